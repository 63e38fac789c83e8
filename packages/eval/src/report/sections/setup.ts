/** What was run: data set, protocol, settings, and time per network and pathway. */
import type { ExperimentResults } from '../../results/experiment.js';
import type { Block, Section } from '../document.js';
import { networkName, sig } from '../format.js';
import type { ExperimentSummary } from '../summary.js';

function show(value: unknown): string {
  if (Array.isArray(value)) return value.map(show).join(', ');
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${show(v)}`)
      .join('; ');
  }
  return String(value);
}

export function setupSection(r: ExperimentResults, s: ExperimentSummary, extraNotes: string[] = []): Section {
  const d = r.dataset;
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        r.protocol === 'cross-validation'
          ? `${s.folds}-fold cross-validation, stratified by class and grouped by ${d.patientIdsKnown ? 'patient (no patient in two folds)' : 'image (the manifest has no patient ids)'}: each fold was tested once by a model trained on the other ${s.folds - 1}. ` +
            `${d.images} images of ${d.patients} patients; positive class ${d.positiveLabel}.`
          : `Evaluation of one trained bundle on ${d.images} labelled images of ${d.patients} ${d.patientIdsKnown ? 'patients' : 'images (no patient ids)'}; positive class ${d.positiveLabel}.`,
    },
    {
      kind: 'table',
      caption: 'Settings',
      columns: ['Setting', 'Value'],
      align: ['left', 'left'],
      rows: [['manifest', d.manifest], ['classes', d.labels.join(', ')], ...Object.entries(r.config).map(([k, v]) => [k, show(v)])],
    },
  ];
  if (r.protocol === 'cross-validation') {
    blocks.push({
      kind: 'table',
      caption: 'Time per network and pathway (training and testing, all folds)',
      columns: ['Network', 'Pathway', 'Seconds', 'Trained on', 'Predicted on'],
      align: ['left', 'left', 'right', 'left', 'left'],
      rows: s.groups.map((g) => {
        const run = r.runs.find((x) => x.architecture === g.architecture && x.pathway === g.pathway)!;
        // Results written before both were recorded hold only the trainer's backend/engine.
        return [networkName(g.architecture), g.pathway, sig(g.trainSeconds), run.trainedOn ?? `${run.runtime.backend}/${run.runtime.engine}`, run.predictedOn ?? '—'];
      }),
    });
  }
  for (const n of extraNotes) blocks.push({ kind: 'paragraph', text: n });
  return { id: 'setup', title: 'Data and protocol', blocks };
}
