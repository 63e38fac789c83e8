/** The runtime comparison section: one row per available runtime, absent ones listed with the reason. */
import type { ComparisonResults } from '../../results/comparison.js';
import type { Block, Section } from '../document.js';
import { fmt, sig } from '../format.js';
import { latencySpec, sweepLatencySpec, throughputLatencySpec } from '../figures.js';
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
  const blocks: Block[] = [];
  if (c.verdict) {
    const k = c.verdict.constraints;
    blocks.push({
      kind: 'paragraph',
      text: `Verdict: ${c.verdict.text}.${c.verdict.excluded.length ? ` Ruled out by agreement: ${c.verdict.excluded.join('; ')}.` : ''} (Constraints: --max-p95-ms ${k.maxP95Ms}, --min-agreement ${k.minAgreement}, --max-delta-p ${k.maxDeltaP}.)`,
    });
  }
  blocks.push({
    kind: 'paragraph',
    text:
      `One bundle (${c.bundle.architecture}, ${c.bundle.inputSize}×${c.bundle.inputSize}, ${c.bundle.pathway} pathway) on ${c.images} labelled images, ` +
      `run on every runtime available on this machine, one runtime at a time. Agreement, |Δp| and CAM correlation are against ${c.reference}.` +
      (c.preprocessingMsPerImage !== undefined ? ` Reading and preprocessing took ${sig(c.preprocessingMsPerImage)} ms per image (not in the latencies below).` : ''),
  });
  const points = available.flatMap((r) => r.points ?? []);
  if (available.length > 0) {
    blocks.push({
      kind: 'table',
      caption: 'Runtime comparison',
      columns: ['runtime', 'label agreement', 'max |Δp|', 'mean |Δp|', 'AUC [95 % CI]', 'CAM r', 'p50 / p95 ms at batch 1', 'best images/s (batch)', 'cold start ms', 'peak RSS Δ MiB'],
      align: ['left'],
      rows: available.map((r) => [
        r.id === c.reference ? `${r.id} (reference)` : r.id,
        r.labelAgreement === undefined ? '—' : `${(100 * r.labelAgreement).toFixed(1)}%${r.imagesCompared !== undefined && r.imagesCompared < c.images ? ` (${r.imagesCompared} images)` : ''}`,
        r.maxAbsDeltaProbability === undefined ? '—' : r.maxAbsDeltaProbability.toExponential(1),
        r.meanAbsDeltaProbability === undefined ? '—' : r.meanAbsDeltaProbability.toExponential(1),
        `${fmt(r.auc ?? null)}${r.aucCi ? ` [${fmt(r.aucCi.lower)}, ${fmt(r.aucCi.upper)}]` : ''}`,
        r.camCorrelation === undefined ? '—' : r.camCorrelation.toFixed(3),
        r.latencyMs ? `${sig(r.latencyMs.p50)} / ${sig(r.latencyMs.p95)}` : '—',
        r.throughput ? `${sig(r.throughput.imagesPerSecond)} (${r.throughput.batch})` : '—',
        sig(r.coldStartMs),
        sig(r.peakRssDeltaMiB),
      ]),
      notes: [
        `Latency: ${span(available.map((r) => r.latencyMs?.runs ?? 0))} timed runs at batch 1 in the last measurement window (windows repeat until the p95 changes by < 5 %); throughput: the best point of the sweep over batch sizes (table below). A slow runtime is measured on a few images at batch 1 only; a runtime stops once its time budget is spent. Cold start: load + first inference at batch 1. CAM r: mean Pearson correlation of the raw CAMs with the reference's. GPU memory is not reported by these runtimes.`,
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
    if (points.length > 0) {
      blocks.push({
        kind: 'table',
        caption: 'Every measured point (batch size × requests in flight); also in points.csv',
        columns: ['runtime', 'batch', 'in flight', 'p50 ms', 'p90 ms', 'p95 ms', 'p99 ms', 'mean ms', 'SD ms', 'images/s', 'windows', 'settled'],
        align: ['left'],
        rows: points.map((p) => [
          p.runtime,
          String(p.batch),
          String(p.concurrency),
          sig(p.latencyMs.p50),
          sig(p.latencyMs.p90),
          sig(p.latencyMs.p95),
          sig(p.latencyMs.p99),
          sig(p.latencyMs.mean),
          sig(p.latencyMs.sd),
          sig(p.imagesPerSecond),
          String(p.windows),
          p.stable ? 'yes' : 'no',
        ]),
      });
      const single = points.filter((p) => p.concurrency === 1);
      blocks.push({
        kind: 'figure',
        name: 'runtime-latency-batch',
        caption: 'p95 latency of one call against batch size, per runtime (logarithmic axes).',
        svg: await vegaLiteToSvg(sweepLatencySpec(single.map((p) => ({ runtime: p.runtime, batch: p.batch, p95: p.latencyMs.p95 })))),
      });
      blocks.push({
        kind: 'figure',
        name: 'runtime-throughput-latency',
        caption: 'Throughput against p95 latency: each point a batch size (or requests in flight); up and to the left is better.',
        svg: await vegaLiteToSvg(throughputLatencySpec(points.map((p) => ({ runtime: p.runtime, p95: p.latencyMs.p95, imagesPerSecond: p.imagesPerSecond, batch: p.batch })))),
      });
    }
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
