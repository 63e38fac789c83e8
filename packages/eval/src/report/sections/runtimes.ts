/** The runtime comparison section: one row per available runtime, absent ones listed with the reason. */
import type { ComparisonResults } from '../../results/comparison.js';
import type { Block, Section } from '../document.js';
import { fmt, sig } from '../format.js';
import { latencySpec } from '../figures.js';
import { vegaLiteToSvg } from '../render-svg.js';

/** "3" or "3–20". */
function span(values: number[]): string {
  if (values.length === 0) return '0';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}

export async function runtimesSection(c: ComparisonResults): Promise<Section> {
  const available = c.runtimes.filter((r) => r.available);
  const absent = c.runtimes.filter((r) => !r.available);
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        `One bundle (${c.bundle.architecture}, ${c.bundle.inputSize}×${c.bundle.inputSize}, ${c.bundle.pathway} pathway) on ${c.images} labelled images, ` +
        `run on every runtime available on this machine, one runtime at a time. Agreement and |Δp| are against ${c.reference}.`,
    },
  ];
  if (available.length > 0) {
    blocks.push({
      kind: 'table',
      caption: 'Runtime comparison',
      columns: ['runtime', 'label agreement', 'max |Δp|', 'AUC', 'latency p50 ms', 'latency p95 ms', 'images/s at batch 16', 'cold start ms', 'peak RSS Δ MiB'],
      align: ['left'],
      rows: available.map((r) => [
        r.id === c.reference ? `${r.id} (reference)` : r.id,
        r.labelAgreement === undefined ? '—' : `${(100 * r.labelAgreement).toFixed(1)}%${r.imagesCompared !== undefined && r.imagesCompared < c.images ? ` (${r.imagesCompared} images)` : ''}`,
        r.maxAbsDeltaProbability === undefined ? '—' : r.maxAbsDeltaProbability.toExponential(1),
        fmt(r.auc ?? null),
        sig(r.latencyMs?.p50),
        sig(r.latencyMs?.p95),
        sig(r.throughput?.imagesPerSecond),
        sig(r.coldStartMs),
        sig(r.peakRssDeltaMiB),
      ]),
      notes: [
        `Latency: ${span(available.map((r) => r.latencyMs?.runs ?? 0))} timed runs at batch 1 after warm-up; throughput: ${span(available.flatMap((r) => (r.throughput ? [r.throughput.runs] : [])))} timed runs at batch 16. A slow runtime stops early once its time budget is spent. Cold start: load + first inference at batch 1.`,
        ...available
          .filter((r) => r.reportedEngine && r.reportedEngine !== r.id && r.reportedEngine.split('/').slice(1).join('/') !== `${r.engine}/${r.precision}`)
          .map((r) => `${r.id} reported running on ${r.reportedEngine}.`),
        ...available.filter((r) => typeof r.details?.int8 === 'string').map((r) => `${r.id} quantisation: ${r.details!.int8}.`),
        ...available.filter((r) => typeof r.details?.int8Warning === 'string').map((r) => `Warning, ${r.id}: ${r.details!.int8Warning}.`),
        `Memory: ${c.memoryMethod}`,
        `Machine: ${Object.entries(c.machine)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}.`,
      ],
    });
    blocks.push({
      kind: 'figure',
      name: 'runtime-latency',
      caption: 'Latency at batch 1 per runtime, logarithmic axis (dot: median, tick: 95th percentile).',
      svg: await vegaLiteToSvg(latencySpec(available.map((r) => ({ runtime: r.id, p50: r.latencyMs?.p50 ?? 0, p95: r.latencyMs?.p95 ?? 0 })))),
    });
  } else {
    blocks.push({ kind: 'paragraph', text: 'No runtime could run the bundle on this machine.' });
  }
  const cut = available.filter((r) => r.note);
  if (cut.length > 0) {
    blocks.push({ kind: 'paragraph', text: 'Measured in part (the runtime was too slow for its time budget):' });
    blocks.push({ kind: 'list', items: cut.map((r) => `${r.id}: ${r.note}`) });
  }
  if (absent.length > 0) {
    blocks.push({ kind: 'paragraph', text: 'Absent or failed runtimes, with the reason:' });
    blocks.push({ kind: 'list', items: absent.map((r) => `${r.id}: ${r.reason ?? 'unknown reason'}`) });
  }
  return { id: 'runtimes', title: 'Runtime comparison', blocks };
}
