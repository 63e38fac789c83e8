/**
 * Renders a {@link ReportDocument} as ONE self-contained HTML file: inline CSS, figures as inline
 * SVG, images as base64 PNG data URIs, no scripts and no external requests, so the file can be
 * mailed, archived with a study, or opened offline.
 */
import type { Block, GalleryBlock, ReportDocument, TableBlock } from './document.js';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CSS = `
:root { --fg: #1d2329; --muted: #5b6670; --line: #dde2e7; --head: #9aa5af; --accent: #1f5f99; --ok: #1b7f3b; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; background: #eef1f4; color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 28px 40px 56px; background: #fff; min-height: 100vh; }
h1 { font-size: 27px; margin: 0 0 10px; }
h2 { font-size: 20px; margin: 36px 0 8px; padding-top: 12px; border-top: 1px solid var(--line); }
a { color: var(--accent); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 18px; margin: 0 0 16px; font-size: 14px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
nav.toc { font-size: 14px; background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; }
nav.toc ol { margin: 4px 0; padding-left: 22px; columns: 2; }
.table-wrap { overflow-x: auto; margin: 14px 0 6px; }
table { border-collapse: collapse; font-size: 14px; font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: 0 0 6px; }
th, td { padding: 4px 12px; border-bottom: 1px solid var(--line); white-space: nowrap; }
thead th { border-bottom: 2px solid var(--head); background: #f6f8fa; white-space: normal; vertical-align: bottom; max-width: 9em; }
thead th:first-child { max-width: none; }
tbody tr:nth-child(even) td { background: #fafbfc; }
td.txt, th.txt { text-align: left; }
td.num, th.num { text-align: right; }
p.note { color: var(--muted); font-size: 13px; margin: 2px 0; max-width: 980px; }
figure { margin: 18px 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
figcaption, .gallery-caption { color: var(--muted); font-size: 13px; margin-top: 4px; max-width: 980px; }
.gallery-caption { margin: 14px 0 6px; }
.gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 14px; }
.card { border: 3px solid var(--line); border-radius: 6px; overflow: hidden; background: #fff; align-self: start; }
.card.right { border-color: var(--ok); }
.card.wrong { border-color: var(--bad); }
.card img { display: block; width: 100%; height: auto; background: #111; }
.card .cap { background: #fff; font-size: 12.5px; padding: 5px 7px; line-height: 1.35; }
.card .verdict { font-weight: 700; }
.card.right .verdict { color: var(--ok); }
.card.wrong .verdict { color: var(--bad); }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); padding-top: 10px; }
`;

function table(t: TableBlock): string {
  const align = (i: number): string => ((t.align?.[i] ?? (i === 0 ? 'left' : 'right')) === 'right' ? 'num' : 'txt');
  const head = t.columns.map((c, i) => `<th class="${align(i)}">${escapeHtml(c)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${r.map((c, i) => `<td class="${align(i)}">${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  const notes = (t.notes ?? []).map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('\n');
  return `<div class="table-wrap"><table><caption>${escapeHtml(t.caption)}</caption><thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>\n${notes}`;
}

function gallery(g: GalleryBlock): string {
  const cards = g.items
    .map((it) => {
      const verdict = it.verdict ?? (it.tone === 'right' ? 'correct' : 'wrong');
      return `<div class="card ${it.tone}"><img alt="${escapeHtml(it.caption)}" src="data:image/png;base64,${it.png.toString('base64')}"><div class="cap"><span class="verdict">${verdict}</span> · ${escapeHtml(it.caption)}</div></div>`;
    })
    .join('\n');
  return `<p class="gallery-caption">${escapeHtml(g.caption)}</p>\n<div class="gallery">\n${cards}\n</div>`;
}

function stripXmlProlog(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '');
}

function block(b: Block): string {
  switch (b.kind) {
    case 'paragraph':
      return `<p>${escapeHtml(b.text)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
    case 'table':
      return table(b);
    case 'figure':
      return `<figure id="fig-${escapeHtml(b.name)}">${stripXmlProlog(b.svg)}<figcaption>${escapeHtml(b.caption)}</figcaption></figure>`;
    case 'gallery':
      return gallery(b);
  }
}

/** The whole report as one HTML document string. */
export function renderHtml(doc: ReportDocument): string {
  const facts = doc.facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('');
  const toc = doc.sections.map((s) => `<li><a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a></li>`).join('');
  const sections = doc.sections.map((s) => `<section id="${escapeHtml(s.id)}">\n<h2>${escapeHtml(s.title)}</h2>\n${s.blocks.map(block).join('\n')}\n</section>`).join('\n');
  const footer = doc.footer ? `<footer>${escapeHtml(doc.footer)}</footer>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(doc.title)}</h1>
<dl class="facts">${facts}</dl>
<nav class="toc"><strong>Contents</strong><ol>${toc}</ol></nav>
${sections}
${footer}
</main>
</body>
</html>
`;
}
