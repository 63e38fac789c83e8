/** Number formatting shared by the report's tables. Missing or undefined values print as "—". */

export const MISSING = '—';

/** Fixed decimals; NaN, ±Infinity, null and undefined give {@link MISSING}. */
export function fmt(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined || !Number.isFinite(x) ? MISSING : x.toFixed(digits);
}

/** "mean (SD)" as the reference study's Table 3 writes it. */
export function meanSd(mean: number, sd: number, digits = 3): string {
  return `${fmt(mean, digits)} (${fmt(sd, digits)})`;
}

/** "estimate [low, high]" for a confidence interval. */
export function withCi(estimate: number, low: number, high: number, digits = 3): string {
  return `${fmt(estimate, digits)} [${fmt(low, digits)}, ${fmt(high, digits)}]`;
}

/** A count with its percentage: "12/20 (60%)". */
export function ratio(hits: number, total: number): string {
  return total === 0 ? MISSING : `${hits}/${total} (${Math.round((100 * hits) / total)}%)`;
}

/** Figures with 3 significant digits for timings (0.123, 12.3, 1234). */
export function sig(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return MISSING;
  if (Math.abs(x) >= 100) return x.toFixed(0);
  return x.toPrecision(3);
}

/** Display names of the architectures, as the reference study writes them. */
export function networkName(architecture: string): string {
  const names: Record<string, string> = {
    vgg19: 'VGG19',
    inception_v3: 'InceptionV3',
    resnet18: 'ResNet18',
    resnet34: 'ResNet34',
    resnet50: 'ResNet50',
    resnet101: 'ResNet101',
    resnet152: 'ResNet152',
  };
  return names[architecture] ?? architecture;
}

export function pathwayName(pathway: string): string {
  return pathway === 'automated' ? 'automated' : pathway === 'intervention' ? 'intervention' : pathway;
}
