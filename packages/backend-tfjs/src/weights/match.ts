/**
 * Matching pretrained weights (ImageNet, another fold's model) to a core network by Keras layer name.
 * A layer is loaded whole or not at all, so a half-loaded layer (a kernel without its bias) cannot
 * happen. By default the head (global average pooling → dense) is skipped and keeps its initial
 * weights: ImageNet's 1000-class classifier does not fit a 2-class head.
 */
import { AffnetError, weightSpecs, type NetworkGraph, type WeightMap, type WeightSpec } from '@affnet/core';

export interface ImportOptions {
  /** Blocks left at their initial weights (not read from the source). @defaultValue ["head"] */
  skipBlocks?: readonly string[];
  /**
   * Throw E_WEIGHTS_MISMATCH when a network layer outside `skipBlocks` has no weights in the source,
   * a shape differs, or the source has layers the network lacks. @defaultValue true
   */
  strict?: boolean;
  /** Renames source layers before matching (e.g. {@link renumberKerasLayers}). */
  renameLayer?: (sourceLayer: string) => string;
}

export interface ImportReport {
  /** Network layers whose weights came from the source. */
  loadedLayers: string[];
  /** Network layers with weights that kept their initial values (skipped blocks, or not loadable). */
  initialLayers: string[];
  /** Network layers outside `skipBlocks` the source has no weights for. */
  missingLayers: string[];
  /** Source layers the network has no layer for (after renaming; skipped-block layers excluded). */
  unusedSourceLayers: string[];
  /** `layer: reason` for layers present in both whose weights do not fit. */
  mismatches: string[];
}

const LIST_MAX = 20;
function list(items: string[]): string {
  const shown = items.slice(0, LIST_MAX).join(', ');
  return items.length > LIST_MAX ? `${shown} … and ${items.length - LIST_MAX} more` : shown;
}

function splitName(name: string): [string, string] {
  const i = name.lastIndexOf('/');
  return i < 0 ? [name, ''] : [name.slice(0, i), name.slice(i + 1)];
}

/**
 * Renames Keras automatic layer names between numbering conventions: tf.keras numbers a class's
 * layers from 0 (`conv2d`, `conv2d_1`, …), Keras 2.0–2.2 and the core InceptionV3 from 1
 * (`conv2d_1`, `conv2d_2`, …). `renumberKerasLayers(1)` maps tf.keras names to core names.
 */
export function renumberKerasLayers(offset: number): (layer: string) => string {
  const auto = /^(conv2d|batch_normalization|activation|max_pooling2d|average_pooling2d|concatenate|dense)(?:_(\d+))?$/;
  return (layer) => {
    const m = auto.exec(layer);
    if (!m) return layer;
    const n = (m[2] === undefined ? 0 : Number(m[2])) + offset;
    return n === 0 ? m[1]! : `${m[1]}_${n}`;
  };
}

/**
 * Copies `source` weights into a copy of `initial` for every network layer they fit.
 * @param initial - every weight of the network (e.g. core `initWeights(graph, seed)`)
 * @param source - weights keyed `${layer}/${weight}` (from `readKerasH5`, `readTfjsLayersModel` …)
 * @throws AffnetError E_WEIGHTS_MISMATCH (strict) listing missing layers, unused source layers and mismatches
 */
export function importWeights(graph: NetworkGraph, initial: WeightMap, source: WeightMap, options: ImportOptions = {}, file?: string): { weights: WeightMap; report: ImportReport } {
  const skip = new Set(options.skipBlocks ?? ['head']);
  const strict = options.strict ?? true;
  const rename = options.renameLayer ?? ((l: string) => l);

  const bySourceLayer = new Map<string, Map<string, { shape: number[]; data: Float32Array }>>();
  for (const [name, t] of source) {
    const [layer, weight] = splitName(name);
    const target = rename(layer);
    if (!bySourceLayer.has(target)) bySourceLayer.set(target, new Map());
    bySourceLayer.get(target)!.set(weight, t);
  }

  const specsByLayer = new Map<string, WeightSpec[]>();
  for (const spec of weightSpecs(graph)) {
    if (!specsByLayer.has(spec.layer)) specsByLayer.set(spec.layer, []);
    specsByLayer.get(spec.layer)!.push(spec);
  }
  const blockOf = new Map(graph.nodes.map((n) => [n.name, n.block]));
  const report: ImportReport = { loadedLayers: [], initialLayers: [], missingLayers: [], unusedSourceLayers: [], mismatches: [] };
  const weights: WeightMap = new Map(initial);

  for (const [layer, specs] of specsByLayer) {
    const src = bySourceLayer.get(layer);
    if (skip.has(blockOf.get(layer)!)) {
      report.initialLayers.push(layer);
      continue;
    }
    if (!src) {
      report.missingLayers.push(layer);
      report.initialLayers.push(layer);
      continue;
    }
    const problems: string[] = [];
    for (const spec of specs) {
      const t = src.get(spec.weight);
      if (!t) problems.push(`no ${spec.weight}`);
      else if (t.shape.join() !== spec.shape.join()) problems.push(`${spec.weight} is [${t.shape.join(', ')}], the network needs [${spec.shape.join(', ')}]`);
    }
    const expected = new Set(specs.map((s) => s.weight as string));
    for (const w of src.keys()) if (!expected.has(w)) problems.push(`unexpected weight ${w || '(unnamed)'}`);
    if (problems.length > 0) {
      report.mismatches.push(`${layer}: ${problems.join(', ')}`);
      report.initialLayers.push(layer);
      continue;
    }
    for (const spec of specs) {
      const t = src.get(spec.weight)!;
      weights.set(spec.name, { shape: [...spec.shape], data: t.data });
    }
    report.loadedLayers.push(layer);
  }
  for (const layer of bySourceLayer.keys()) {
    if (specsByLayer.has(layer)) continue;
    const block = blockOf.get(layer);
    if (block !== undefined && skip.has(block)) continue;
    report.unusedSourceLayers.push(layer);
  }

  if (strict) {
    const problems = [
      report.missingLayers.length ? `${report.missingLayers.length} layer(s) of ${graph.architecture} not in the source: ${list(report.missingLayers)}` : '',
      report.unusedSourceLayers.length ? `${report.unusedSourceLayers.length} source layer(s) not in ${graph.architecture}: ${list(report.unusedSourceLayers)}` : '',
      report.mismatches.length ? `${report.mismatches.length} layer(s) that do not fit: ${list(report.mismatches)}` : '',
    ].filter(Boolean);
    if (problems.length > 0) {
      throw new AffnetError('E_WEIGHTS_MISMATCH', `pretrained weights do not match ${graph.architecture}: ${problems.join('; ')}`, {
        ...(file === undefined ? {} : { file }),
        hint: { api: 'pass strict: false to load the layers that match', cli: `give --weights with weights made for ${graph.architecture}, or --weights none` },
      });
    }
  }
  return { weights, report };
}
