/**
 * `affnet screen --status` and `--report`: what the results folder says about a run (counts,
 * failures by code, throughput, per worker), and an HTML page with the highest-probability images
 * first, each with its CAM thumbnail, for the people who re-read them.
 */
import type { ResultStore, ScreenRecord } from './store.js';

export interface ScreenSummary {
  records: number;
  classified: number;
  failed: number;
  failuresByCode: Record<string, number>;
  /** Above the decision threshold (the label is the positive one). */
  positives: number;
  /** Images per second between the first and the last record. */
  imagesPerSecond: number | undefined;
  byWorker: Record<string, number>;
  firstAt?: string;
  lastAt?: string;
  /** Highest probability first. */
  top: ScreenRecord[];
}

export function summarise(store: ResultStore, topN = 50): ScreenSummary {
  const s: ScreenSummary = { records: 0, classified: 0, failed: 0, failuresByCode: {}, positives: 0, imagesPerSecond: undefined, byWorker: {}, top: [] };
  const classified: ScreenRecord[] = [];
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const r of store.records()) {
    s.records++;
    s.byWorker[r.worker] = (s.byWorker[r.worker] ?? 0) + 1;
    const t = Date.parse(r.finishedAt);
    if (t < first) first = t;
    if (t > last) last = t;
    if (r.status === 'classified') {
      s.classified++;
      if (r.label === r.positiveLabel) s.positives++;
      classified.push(r);
    } else {
      s.failed++;
      const code = r.error?.code ?? 'E_UNKNOWN';
      s.failuresByCode[code] = (s.failuresByCode[code] ?? 0) + 1;
    }
  }
  if (s.records > 1 && last > first) s.imagesPerSecond = Math.round(((s.records - 1) / ((last - first) / 1000)) * 100) / 100;
  if (s.records > 0) {
    s.firstAt = new Date(first).toISOString();
    s.lastAt = new Date(last).toISOString();
  }
  s.top = classified.sort((a, b) => (b.probability ?? 0) - (a.probability ?? 0)).slice(0, topN);
  return s;
}

const esc = (v: unknown) => String(v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function where(r: ScreenRecord): string {
  return 'path' in r.source ? r.source.path : `study ${r.source.study} / series ${r.source.series} / instance ${r.source.sop}`;
}

/** The HTML page of a run (thumbnails by relative path: write it into the results folder). */
export function reportHtml(s: ScreenSummary, title = 'affnet screening run'): string {
  const rows = s.top
    .map(
      (r, i) =>
        `<tr><td>${i + 1}</td><td>${r.cam ? `<img src="${esc(r.cam)}" alt="CAM" loading="lazy">` : '—'}</td><td class="p">${(r.probability ?? 0).toFixed(4)}</td><td>${esc(r.label)}</td><td class="src">${esc(where(r))}</td></tr>`,
    )
    .join('\n');
  const failures = Object.entries(s.failuresByCode)
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `<li><code>${esc(c)}</code>: ${n}</li>`)
    .join('');
  const workers = Object.entries(s.byWorker)
    .map(([w, n]) => `<li>${esc(w)}: ${n}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:72em}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:middle}td.p{font-variant-numeric:tabular-nums}td.src{font-family:monospace;font-size:12px;word-break:break-all}img{max-height:140px}</style></head>
<body><h1>${esc(title)}</h1>
<p>${s.records} images: ${s.classified} classified (${s.positives} above the threshold), ${s.failed} failed${s.imagesPerSecond !== undefined ? `; ${s.imagesPerSecond} images/s from ${esc(s.firstAt)} to ${esc(s.lastAt)}` : ''}.
Computer output for re-reading, not a diagnosis: every image listed here is to be read by a radiologist.</p>
${failures ? `<h2>Failures by code</h2><ul>${failures}</ul>` : ''}
<h2>Workers</h2><ul>${workers}</ul>
<h2>Highest probability first (top ${s.top.length})</h2>
<table><thead><tr><th>#</th><th>CAM</th><th>probability</th><th>label</th><th>image</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>
`;
}
