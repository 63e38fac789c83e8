/**
 * The annotation page: one radiograph at a time on a canvas (full resolution, wheel zoom around the
 * cursor, drag to pan), two clicks (fracture centre, then a point on the shaft axis), then the crop
 * the intervention pathway will feed the network, rendered by the server with core's code.
 * Image coordinates follow core's convention: pixel centres at integers, pixel i covers [i − ½, i + ½].
 * `window.affnet` exposes the view mapping for tests and scripts.
 */
export function annotatePage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>affnet annotate</title><link rel="icon" href="data:,">
<style>
 body{margin:0;font:14px system-ui,sans-serif;background:#111;color:#ddd;display:grid;grid-template-columns:1fr 300px;height:100vh}
 #view{position:relative;overflow:hidden;background:#000;cursor:crosshair}
 canvas{position:absolute;left:0;top:0}
 aside{padding:12px;border-left:1px solid #333;overflow:auto}
 button{margin:2px;padding:4px 8px;background:#333;color:#eee;border:1px solid #555;border-radius:3px;cursor:pointer}
 button:disabled{opacity:.4}
 #preview{width:256px;height:256px;background:#000;display:block;margin:8px 0;image-rendering:pixelated}
 .k{color:#8cf;font-family:monospace} #msg{min-height:2.5em;color:#fc8} #status{font-weight:bold}
 ul{padding-left:16px;margin:4px 0} li.err{color:#f88}
</style></head><body>
<div id="view"><canvas id="c"></canvas></div>
<aside>
 <div id="progress">…</div><div id="file"></div><div id="status"></div>
 <p id="step"></p>
 <img id="preview" alt="crop preview">
 <div>
  <button id="accept" disabled title="Enter">accept</button><button id="undo" title="u">undo</button>
  <button id="skip" title="s">skip</button><button id="flag" title="f">flag unusable</button>
 </div>
 <div><button id="prev" title="p or ←">previous</button><button id="next" title="n or →">next</button><button id="fit" title="0">fit</button></div>
 <div id="windows">window: </div>
 <div id="msg"></div>
 <p><span class="k">click</span> fracture, then shaft axis · <span class="k">wheel</span> zoom · <span class="k">drag</span> pan ·
 <span class="k">Enter</span> accept · <span class="k">u</span> undo · <span class="k">s</span> skip · <span class="k">f</span> flag ·
 <span class="k">n/p</span> next/previous · <span class="k">1–4</span> window · <span class="k">0</span> fit</p>
 <ul id="problems"></ul>
</aside>
<script>
const token = new URLSearchParams(location.search).get('token');
const api = (path, body) => fetch(path + (path.includes('?') ? '&' : '?') + 'token=' + token, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json', 'x-affnet-token': token }, body: JSON.stringify(body) });
const $ = (id) => document.getElementById(id);
const canvas = $('c'), ctx = canvas.getContext('2d'), view = $('view');
const S = { state: null, index: 0, img: null, width: 0, height: 0, scale: 1, ox: 0, oy: 0, clicks: [], suggested: null, window: 'auto', previewReady: false, loading: null };
// image pixel coordinates <-> canvas (CSS) pixels: pixel i covers [i - 1/2, i + 1/2]
const toScreen = (x, y) => ({ x: S.ox + (x + 0.5) * S.scale, y: S.oy + (y + 0.5) * S.scale });
const toImage = (cx, cy) => ({ x: (cx - S.ox) / S.scale - 0.5, y: (cy - S.oy) / S.scale - 0.5 });
function resize() { canvas.width = view.clientWidth; canvas.height = view.clientHeight; draw(); }
function fit() { if (!S.img) return; S.scale = Math.min(canvas.width / S.width, canvas.height / S.height); S.ox = (canvas.width - S.width * S.scale) / 2; S.oy = (canvas.height - S.height * S.scale) / 2; draw(); }
function draw() {
  ctx.setTransform(1, 0, 0, 1, 0, 0); ctx.fillStyle = '#000'; ctx.fillRect(0, 0, canvas.width, canvas.height);
  if (!S.img) return;
  ctx.imageSmoothingEnabled = S.scale < 1;
  ctx.drawImage(S.img, S.ox, S.oy, S.width * S.scale, S.height * S.scale);
  const colours = ['#ff3b3b', '#3bb0ff'];
  S.clicks.forEach((p, i) => { const q = toScreen(p.x, p.y); ctx.strokeStyle = colours[i]; ctx.lineWidth = 2; ctx.setLineDash(S.suggested ? [3, 3] : []); ctx.beginPath(); ctx.arc(q.x, q.y, 7, 0, 2 * Math.PI); ctx.moveTo(q.x - 11, q.y); ctx.lineTo(q.x + 11, q.y); ctx.moveTo(q.x, q.y - 11); ctx.lineTo(q.x, q.y + 11); ctx.stroke(); });
  if (S.clicks.length === 2) { const a = toScreen(S.clicks[0].x, S.clicks[0].y), b = toScreen(S.clicks[1].x, S.clicks[1].y); ctx.setLineDash([6, 4]); ctx.strokeStyle = '#ffd400'; ctx.beginPath(); ctx.moveTo(a.x, a.y); ctx.lineTo(b.x, b.y); ctx.stroke(); ctx.setLineDash([]); }
}
function say(m) { $('msg').textContent = m || ''; }
function step() {
  const it = S.state.items[S.index];
  $('progress').textContent = (S.index + 1) + ' of ' + S.state.total + ' · ' + S.state.items.filter((i) => i.status !== 'open' && i.status !== 'unreadable').length + ' decided';
  $('file').textContent = it.id; $('status').textContent = it.status + (it.reason ? ': ' + it.reason : '');
  $('step').textContent = S.clicks.length === 0 ? 'Click the centre of the fracture.' : S.clicks.length === 1 ? 'Click a second point on the shaft axis.'
    : S.suggested ? 'Suggested by the aligner (confidence ' + S.suggested.confidence.toFixed(2) + (S.suggested.warning ? ', uncertain' : '') + '): accept (Enter), or undo (u) to place your own.'
    : 'Check the crop, then accept (Enter) or undo (u).';
  $('accept').disabled = !(S.clicks.length === 2 && S.previewReady);
  document.body.dataset.ready = S.img && !S.loading ? 'yes' : 'no';
}
async function refresh() { S.state = await (await api('/api/state')).json(); renderProblems(); }
function renderProblems() { $('problems').innerHTML = ''; for (const it of S.state.items) if (it.status === 'unreadable') { const li = document.createElement('li'); li.className = 'err'; li.textContent = it.id + ': ' + it.error; $('problems').appendChild(li); } }
async function show(i) {
  document.body.dataset.ready = 'no';
  S.index = Math.max(0, Math.min(S.state.total - 1, i)); S.clicks = []; S.previewReady = false; $('preview').removeAttribute('src'); say('');
  const it = S.state.items[S.index];
  S.suggested = null;
  if (it.clicks) { S.clicks = [it.clicks.fracture, it.clicks.axis]; }
  else if (S.state.suggest && it.status === 'open') {
    // The aligner's two points as a starting pair: accept them, or undo and place your own.
    const r = await api('/api/suggest/' + S.index);
    if (r.ok) { const g = await r.json(); S.clicks = [g.clicks.fracture, g.clicks.axis]; S.suggested = g; }
  }
  const load = S.loading = (async () => {
    const r = await api('/api/image/' + S.index + '?window=' + S.window);
    if (!r.ok) { S.img = null; draw(); say((await r.json()).error); await refresh(); return; }
    S.width = Number(r.headers.get('x-image-width')); S.height = Number(r.headers.get('x-image-height'));
    const img = new Image(); await loadInto(img, await r.blob());
    if (load !== S.loading) return;
    const keep = S.img && S.img.width === img.width && S.img.height === img.height && S.keepView;
    S.img = img; if (!keep) fit(); else draw();
  })();
  await load; if (load === S.loading) S.loading = null;
  if (S.clicks.length === 2) await preview();
  step();
}
async function preview() {
  S.previewReady = false; step();
  const r = await api('/api/preview/' + S.index, { clicks: { fracture: S.clicks[0], axis: S.clicks[1] } });
  if (!r.ok) { say((await r.json()).error); S.clicks.pop(); draw(); step(); return; }
  await loadInto($('preview'), await r.blob()); S.previewReady = true; step();
}
function loadInto(img, blob) { return new Promise((ok, fail) => { img.onload = () => ok(); img.onerror = () => fail(new Error('cannot show the image')); img.src = URL.createObjectURL(blob); }); }
async function decide(body) {
  const r = await api('/api/decide/' + S.index, body);
  if (!r.ok) { say((await r.json()).error); return false; }
  S.state = await r.json(); renderProblems(); say('saved'); return true;
}
async function nextOpen() { const n = S.state.items.findIndex((it, i) => i > S.index && it.status === 'open'); const m = n >= 0 ? n : S.state.next; if (m >= 0) await show(m); else { say('All images decided: the clicks file is complete.'); step(); } }
async function accept() { if (S.clicks.length !== 2 || !S.previewReady) return; if (await decide({ status: 'done', clicks: { fracture: S.clicks[0], axis: S.clicks[1] } })) await nextOpen(); }
async function undo() { if (S.suggested) { S.suggested = null; S.clicks = []; S.previewReady = false; $('preview').removeAttribute('src'); draw(); step(); return; } if (S.clicks.length > 0) { S.clicks.pop(); S.previewReady = false; $('preview').removeAttribute('src'); draw(); step(); if (S.state.items[S.index].status === 'done') { S.state = await (await api('/api/reopen/' + S.index, {})).json(); step(); } } }
async function skip() { if (await decide({ status: 'skipped' })) await nextOpen(); }
async function flag() { const reason = prompt('Why is this image unusable?'); if (!reason) return; if (await decide({ status: 'flagged', reason })) await nextOpen(); }
let drag = null;
view.addEventListener('mousedown', (e) => { drag = { x: e.offsetX, y: e.offsetY, ox: S.ox, oy: S.oy, moved: false }; });
view.addEventListener('mousemove', (e) => { if (!drag) return; const dx = e.offsetX - drag.x, dy = e.offsetY - drag.y; if (Math.hypot(dx, dy) > 3) drag.moved = true; if (drag.moved) { S.ox = drag.ox + dx; S.oy = drag.oy + dy; draw(); } });
view.addEventListener('mouseup', async (e) => {
  const d = drag; drag = null; if (!d || d.moved || !S.img || e.button !== 0) return;
  // A click on a suggested pair starts the user's own pair.
  if (S.suggested) { S.suggested = null; S.clicks = []; S.previewReady = false; $('preview').removeAttribute('src'); }
  if (S.clicks.length >= 2) return say('Two points are set: accept, or undo (u) to move one.');
  const p = toImage(e.offsetX, e.offsetY);
  if (p.x < -0.5 || p.y < -0.5 || p.x > S.width - 0.5 || p.y > S.height - 0.5) return say('That point is outside the image.');
  S.clicks.push({ x: Math.round(p.x * 100) / 100, y: Math.round(p.y * 100) / 100 }); draw(); step();
  if (S.clicks.length === 2) await preview();
});
view.addEventListener('wheel', (e) => { e.preventDefault(); const k = Math.exp(-e.deltaY * 0.0015); const p = toImage(e.offsetX, e.offsetY); S.scale *= k; const q = toScreen(p.x, p.y); S.ox += e.offsetX - q.x; S.oy += e.offsetY - q.y; draw(); }, { passive: false });
document.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLInputElement) return;
  const k = e.key;
  if (k === 'Enter') accept(); else if (k === 'u' || k === 'Backspace') undo(); else if (k === 's') skip(); else if (k === 'f') flag();
  else if (k === 'n' || k === 'ArrowRight') show(S.index + 1); else if (k === 'p' || k === 'ArrowLeft') show(S.index - 1); else if (k === '0') fit();
  else if (k >= '1' && k <= '9' && S.state.windows[Number(k) - 1]) setWindow(S.state.windows[Number(k) - 1]);
});
async function setWindow(w) { S.window = w; S.keepView = true; const clicks = S.clicks.slice(); await show(S.index); S.keepView = false; if (clicks.length && !S.state.items[S.index].clicks) { S.clicks = clicks; draw(); if (clicks.length === 2) await preview(); step(); } }
$('accept').onclick = accept; $('undo').onclick = undo; $('skip').onclick = skip; $('flag').onclick = flag; $('fit').onclick = fit;
$('prev').onclick = () => show(S.index - 1); $('next').onclick = () => show(S.index + 1);
window.addEventListener('resize', resize);
window.addEventListener('unhandledrejection', (e) => say(String(e.reason && e.reason.message || e.reason)));
window.affnet = { toScreen, toImage, get view() { return { scale: S.scale, ox: S.ox, oy: S.oy, index: S.index, clicks: S.clicks.slice(), suggested: Boolean(S.suggested), width: S.width, height: S.height }; }, canvasOrigin: () => { const r = canvas.getBoundingClientRect(); return { x: r.left, y: r.top }; } };
(async () => {
  resize(); await refresh();
  for (const w of S.state.windows) { const b = document.createElement('button'); b.textContent = w; b.onclick = () => setWindow(w); $('windows').appendChild(b); }
  await show(S.state.next >= 0 ? S.state.next : 0);
})();
</script></body></html>`;
}
