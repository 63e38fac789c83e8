/**
 * Class activation maps: a gallery of right and wrong cases per network and pathway (CAM overlays
 * drawn on the original radiograph through the pathway's inverse transform, written by the CV
 * runner), and CAM quality where the truth is known (phantoms): pointing game and deletion AUC.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Block, GalleryItem, Section } from '../document.js';
import { fmt, meanSd, networkName, ratio } from '../format.js';
import type { ExperimentSummary, GroupSummary } from '../summary.js';

type Case = GroupSummary['camCases'][number];

/**
 * Up to `perGroup` cases: half right (most confident first, alternating the true class so both
 * classes show), half wrong (most confident errors first); fills from the other kind when short.
 */
export function pickCases(cases: Case[], perGroup: number): Case[] {
  const confidence = (c: Case): number => Math.abs(c.probability - 0.5);
  const right = cases.filter((c) => c.correct).sort((a, b) => confidence(b) - confidence(a) || a.id.localeCompare(b.id));
  const wrong = cases.filter((c) => !c.correct).sort((a, b) => confidence(b) - confidence(a) || a.id.localeCompare(b.id));
  const alternating: Case[] = [];
  const labels = [...new Set(right.map((c) => c.label))].sort();
  const queues = labels.map((l) => right.filter((c) => c.label === l));
  while (queues.some((q) => q.length > 0)) for (const q of queues) if (q.length > 0) alternating.push(q.shift()!);
  const half = Math.ceil(perGroup / 2);
  const w = wrong.slice(0, perGroup - Math.min(half, alternating.length));
  const r = alternating.slice(0, perGroup - w.length);
  return [...r, ...w];
}

export function camSection(s: ExperimentSummary, baseDir: string, perGroup = 4): Section | undefined {
  const blocks: Block[] = [];
  let missing = 0;
  for (const pathway of s.pathways) {
    const items: GalleryItem[] = [];
    for (const g of s.groups.filter((x) => x.pathway === pathway)) {
      for (const c of pickCases(g.camCases, perGroup)) {
        const file = resolve(baseDir, c.overlay);
        if (!existsSync(file)) {
          missing++;
          continue;
        }
        items.push({
          name: `cam-${g.architecture.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/-+$/, '')}-${g.pathway}-${items.length + 1}`,
          png: readFileSync(file),
          caption: `${networkName(g.architecture)} · fold ${c.fold + 1} · truth ${c.label}, predicted ${c.predicted}, P(${s.positiveLabel}) = ${c.probability.toFixed(2)} · ${basename(c.id)}`,
          tone: c.correct ? 'right' : 'wrong',
        });
      }
    }
    if (items.length > 0) {
      blocks.push({
        kind: 'gallery',
        caption: `${pathway[0]!.toUpperCase()}${pathway.slice(1)} pathway: class activation maps of the predicted class on the original radiograph (red: strongest), right and wrong cases from the held-out folds.`,
        items,
      });
    }
  }
  if (missing > 0) blocks.push({ kind: 'paragraph', text: `${missing} CAM overlay files named in the results were not found next to them and are not shown.` });

  const q = s.groups.filter((g) => g.camQuality);
  if (q.length > 0) {
    blocks.push({
      kind: 'table',
      caption: 'CAM quality against the phantom ground truth',
      columns: ['Network', 'Pathway', 'CAM cells', 'Pointing game hits', 'Centre baseline hits', 'Deletion AUC, mean (SD)', 'Random-order deletion AUC, mean (SD)'],
      align: ['left', 'left'],
      rows: q.map((g) => {
        const c = g.camQuality!;
        return [
          networkName(g.architecture),
          g.pathway,
          c.mapSize ? `${c.mapSize[0]}×${c.mapSize[1]}` : '—',
          ratio(c.hits, c.total),
          c.centreHits === undefined ? '—' : ratio(c.centreHits, c.total),
          meanSd(c.deletion.mean, c.deletion.sd),
          meanSd(c.deletionRandom.mean, c.deletionRandom.sd),
        ];
      }),
      notes: [
        `Pointing game (Zhang et al., ECCV 2016): a hit when the CAM's peak — the centre of its largest feature cell, in network-input pixels — lies inside the ground-truth fracture region (mapped into the input by the pathway) or within the tolerance: 15 px at a 224-px input, scaled with the input side (${q
          .map((g) => `${networkName(g.architecture)} ${fmt(g.camQuality!.tolerancePx, 1)} px`)
          .filter((v, i, a) => a.indexOf(v) === i)
          .join(
            ', ',
          )}). A map of few cells (small inputs) cannot point finer than a cell; a constant map (1×1) counts as a miss. Centre baseline: the centre of the network input as the "peak" (Zhang et al.'s baseline; the intervention pathway centres the clicked fracture, so it hits there by construction).`,
        'Deletion (Petsiuk et al., RISE, BMVC 2018): pixels are removed (set to the image mean) in order of decreasing CAM value; the area under the probability-of-the-predicted-class curve is lower for a better map. The random-order column is the same on a random order, the baseline to beat.',
      ],
    });
  }
  return blocks.length > 0 ? { id: 'cam', title: 'Class activation maps', blocks } : undefined;
}
