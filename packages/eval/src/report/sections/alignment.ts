/**
 * The auto pathway's alignment: how often the aligner was unsure, its confidence, where the truth is
 * known how often each pathway's crop centre falls on the fracture, and a gallery of the manual crop
 * (the clicks) next to the auto crop of the same images.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { ExperimentResults } from '../../results/experiment.js';
import type { Block, Section } from '../document.js';
import { networkName, ratio } from '../format.js';

export function alignmentSection(r: ExperimentResults, baseDir: string): Section | undefined {
  const autoRuns = r.runs.filter((x) => x.pathway === 'auto');
  if (autoRuns.length === 0) return undefined;
  const blocks: Block[] = [];
  const byNetwork = [...new Set(autoRuns.map((x) => x.architecture))];
  blocks.push({
    kind: 'paragraph',
    text:
      'The auto pathway applies the intervention transform to the fracture centre and shaft axis found by the aligner (a per-pixel model fitted on clicks, core pathways/align), ' +
      `${typeof r.config.aligner === 'string' ? `here ${r.config.aligner}` : ''}. Held-out images are aligned by an aligner that never saw their clicks. A low-confidence alignment is a warning on its record, never a silent crop.`,
  });
  blocks.push({
    kind: 'table',
    caption: 'Automatic alignment on the held-out images',
    columns: ['Network', 'Images aligned', 'Low-confidence warnings', 'Confidence, median', 'Crop centre on the fracture (auto)', 'Crop centre on the fracture (clicks)'],
    align: ['left'],
    rows: byNetwork.map((a) => {
      const preds = autoRuns.filter((x) => x.architecture === a).flatMap((x) => x.predictions.filter((p) => p.alignment?.source === 'auto'));
      const conf = preds.map((p) => p.alignment!.confidence ?? 0).sort((x, y) => x - y);
      const centre = (pathway: string) => {
        const q = r.runs.filter((x) => x.architecture === a && x.pathway === pathway && x.camQuality?.pointingCentreHits !== undefined);
        return q.length === 0
          ? '—'
          : ratio(
              q.reduce((s, x) => s + x.camQuality!.pointingCentreHits!, 0),
              q.reduce((s, x) => s + x.camQuality!.pointingTotal, 0),
            );
      };
      return [
        networkName(a),
        String(preds.length),
        ratio(preds.filter((p) => p.alignment!.warning).length, preds.length),
        conf.length ? conf[Math.floor(conf.length / 2)]!.toFixed(2) : '—',
        centre('auto'),
        centre('intervention'),
      ];
    }),
  });
  const items = (r.alignmentGallery ?? [])
    .filter((g) => existsSync(resolve(baseDir, g.png)))
    .map((g, i) => ({
      name: `alignment-${i + 1}`,
      png: readFileSync(resolve(baseDir, g.png)),
      caption: `${basename(g.id)} · left: the clicks' crop, right: the auto crop · confidence ${g.confidence.toFixed(2)}`,
      tone: g.warning ? ('wrong' as const) : ('right' as const),
      verdict: g.warning ? 'uncertain' : 'confident',
    }));
  if (items.length > 0)
    blocks.push({ kind: 'gallery', caption: 'Manual (clicks) and automatic crops of the same radiographs: the least confident alignments first, then others across the cohort.', items });
  return { id: 'alignment', title: 'Automatic alignment', blocks };
}
