/**
 * Renders a {@link ReportDocument} as Markdown with the same content as the HTML report. Figures
 * and gallery images are written as files next to it (`figures/NAME.svg`, `figures/NAME.png`) and
 * linked relatively; {@link renderMarkdown} returns the text and the files to write.
 */
import type { Block, ReportDocument } from './document.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export interface MarkdownOutput {
  markdown: string;
  /** Relative path → content. */
  files: Map<string, Buffer | string>;
}

export function renderMarkdown(doc: ReportDocument, figureDir = 'figures'): MarkdownOutput {
  const files = new Map<string, Buffer | string>();
  const out: string[] = [`# ${doc.title}`, ''];
  for (const [k, v] of doc.facts) out.push(`- **${k}:** ${v}`);
  out.push('');
  const render = (b: Block): void => {
    switch (b.kind) {
      case 'paragraph':
        out.push(b.text, '');
        break;
      case 'list':
        for (const i of b.items) out.push(`- ${i}`);
        out.push('');
        break;
      case 'table': {
        const align = (i: number): string => ((b.align?.[i] ?? (i === 0 ? 'left' : 'right')) === 'right' ? '---:' : ':---');
        out.push(`**${b.caption}**`, '');
        out.push(`| ${b.columns.map(cell).join(' | ')} |`);
        out.push(`|${b.columns.map((_c, i) => ` ${align(i)} `).join('|')}|`);
        for (const r of b.rows) out.push(`| ${r.map(cell).join(' | ')} |`);
        out.push('');
        for (const n of b.notes ?? []) out.push(`_${n}_`, '');
        break;
      }
      case 'figure': {
        const path = `${figureDir}/${b.name}.svg`;
        files.set(path, b.svg);
        out.push(`![${b.caption}](${path})`, '', `_${b.caption}_`, '');
        break;
      }
      case 'gallery': {
        out.push(`_${b.caption}_`, '');
        out.push('| image | case |', '| :--- | :--- |');
        for (const it of b.items) {
          const path = `${figureDir}/${it.name}.png`;
          files.set(path, it.png);
          out.push(`| ![${cell(it.caption)}](${path}) | **${it.verdict ?? (it.tone === 'right' ? 'correct' : 'wrong')}** · ${cell(it.caption)} |`);
        }
        out.push('');
        break;
      }
    }
  };
  for (const s of doc.sections) {
    out.push(`## ${s.title}`, '');
    s.blocks.forEach(render);
  }
  if (doc.footer) out.push('---', '', doc.footer, '');
  return { markdown: out.join('\n'), files };
}
