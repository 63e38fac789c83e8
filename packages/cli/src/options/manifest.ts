/**
 * The manifest options shared by `train`, `cv`, `evaluate` and `compare`: a manifest in affnet's
 * format, or any labelled CSV through a column mapping (`--manifest-preset fracatlas`, or
 * `--path-column image --label-column fractured --labels 1=fracture,0=no_fracture --positive fracture`).
 */
import type { Command } from 'commander';
import { AffnetError, choiceError, loadManifest, MANIFEST_PRESETS, readRadiograph, type Manifest, type ManifestMapping, type Radiograph } from '@affnet/core';

export interface ManifestOptions {
  manifest: string;
  manifestPreset?: string;
  pathColumn?: string;
  labelColumn?: string;
  patientColumn?: string;
  labels?: string;
  positive?: string;
  imageDir?: string;
  acceptTruncated?: boolean;
}

export function addManifestOptions(cmd: Command, required = true): Command {
  return (required ? cmd.requiredOption('--manifest <file>', 'labelled images: CSV or JSON manifest') : cmd.option('--manifest <file>', 'labelled images: CSV or JSON manifest'))
    .option('--manifest-preset <name>', `column mapping of a known data set (${Object.keys(MANIFEST_PRESETS).join(', ')})`)
    .option('--path-column <name>', 'column holding the image path')
    .option('--label-column <name>', 'column holding the class')
    .option('--patient-column <name>', 'column holding the patient id')
    .option('--labels <list>', 'classes: "AFF,NFF" or value=class pairs "1=fracture,0=no_fracture"')
    .option('--positive <class>', 'the positive class')
    .option('--image-dir <dir>', 'folder relative image paths resolve against')
    .option('--accept-truncated', TRUNCATED_HELP);
}

export const TRUNCATED_HELP = "read JPEG/PNG files that end early (the part after the break is decoder fill, noted in the image's pipeline notes); default: refuse them as unreadable";

/** How the command reads a radiograph: core `readRadiograph`, accepting truncated rasters when asked. */
export function radiographReader(o: { acceptTruncated?: boolean }): (path: string) => Promise<Radiograph> {
  return o.acceptTruncated ? (p) => readRadiograph(p, { truncated: 'accept' }) : (p) => readRadiograph(p);
}

/** Parse "a,b" or "1=x,0=y" into the mapping's `labels`. */
export function parseLabels(value: string): string[] | Record<string, string> {
  const parts = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.every((p) => p.includes('='))) return Object.fromEntries(parts.map((p) => p.split('=', 2).map((s) => s.trim()) as [string, string]));
  if (parts.some((p) => p.includes('='))) throw new AffnetError('E_OPTION_INVALID', `--labels: mix of "value=class" and plain names in "${value}"; use one form`);
  return parts;
}

export async function readManifestOption(o: ManifestOptions): Promise<Manifest> {
  let mapping: ManifestMapping = {};
  if (o.manifestPreset) {
    const preset = MANIFEST_PRESETS[o.manifestPreset];
    if (!preset) throw choiceError('--manifest-preset', o.manifestPreset, Object.keys(MANIFEST_PRESETS));
    mapping = { ...preset };
  }
  const columns = {
    ...mapping.columns,
    ...(o.pathColumn ? { path: o.pathColumn } : {}),
    ...(o.labelColumn ? { label: o.labelColumn } : {}),
    ...(o.patientColumn ? { patientId: o.patientColumn } : {}),
  };
  return loadManifest(o.manifest, {
    ...mapping,
    ...(Object.keys(columns).length > 0 ? { columns } : {}),
    ...(o.labels ? { labels: parseLabels(o.labels) } : {}),
    ...(o.positive ? { positive: o.positive } : {}),
    ...(o.imageDir ? { imageDir: o.imageDir } : {}),
  });
}
