/**
 * Writing manifests as CSV or JSON, readable back by `loadManifest` to the same items. JSON also
 * records the classes and the positive one; a CSV with custom classes needs `labels` / `positive`
 * again when read.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { AffnetError, choiceError } from '../errors.js';
import { formatCsvRow } from './csv.js';
import type { Manifest, ManifestItem } from './manifest-types.js';

export interface ManifestWriteOptions {
  /** @defaultValue 'csv' */
  format?: 'csv' | 'json';
  /** Write image paths relative to this folder (portable manifests). @defaultValue absolute paths */
  relativeTo?: string;
}

const JSON_FORMAT = 'affnet-manifest';

/** The manifest as CSV or JSON text. Columns: path, label, then patientId / view / fx fy ax ay / extra ones when present. */
export function writeManifest(manifest: Manifest, options: ManifestWriteOptions = {}): string {
  const format = options.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw choiceError('format', String(format), ['csv', 'json']);
  const headers = columnsOf(manifest);
  const rows = manifest.items.map((item) => rowOf(item, headers, options.relativeTo));
  if (format === 'csv') {
    return `${[headers, ...rows.map((r) => r.map((v) => (v === undefined ? '' : String(v))))].map((r) => formatCsvRow(r)).join('\n')}\n`;
  }
  const items = rows.map((r) => {
    const o: Record<string, string | number> = {};
    headers.forEach((h, i) => {
      if (r[i] !== undefined) o[h] = r[i]!;
    });
    return o;
  });
  const doc = { format: JSON_FORMAT, version: 1, labels: [...manifest.labels], positive: manifest.positive, items };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Writes the manifest to `file` (format from the extension: `.json` or else CSV), paths relative to its folder. */
export async function saveManifest(file: string, manifest: Manifest, options: Omit<ManifestWriteOptions, 'relativeTo'> = {}): Promise<void> {
  const format = options.format ?? (extname(file).toLowerCase() === '.json' ? 'json' : 'csv');
  const text = writeManifest(manifest, { format, relativeTo: dirname(resolve(file)) });
  try {
    await writeFile(file, text, 'utf8');
  } catch (e) {
    throw new AffnetError('E_IO', `cannot write the manifest: ${(e as Error).message}`, { file, cause: e });
  }
}

function columnsOf(manifest: Manifest): string[] {
  const has = (f: (i: ManifestItem) => unknown) => manifest.items.some((i) => f(i) !== undefined);
  const headers = ['path', 'label'];
  if (manifest.patientIdsKnown) headers.push('patientId');
  if (has((i) => i.view)) headers.push('view');
  if (has((i) => i.clicks)) headers.push('fx', 'fy', 'ax', 'ay');
  const known = new Set(headers.map((h) => h.toLowerCase()));
  for (const item of manifest.items) {
    for (const key of Object.keys(item.extra ?? {})) {
      if (!known.has(key.toLowerCase())) {
        known.add(key.toLowerCase());
        headers.push(key);
      }
    }
  }
  return headers;
}

function rowOf(item: ManifestItem, headers: string[], relativeTo?: string): (string | number | undefined)[] {
  const path = relativeTo === undefined ? item.path : portable(relativeTo, item.path);
  const known: Record<string, string | number | undefined> = {
    path,
    label: item.label,
    patientId: item.patientId,
    view: item.view,
    fx: item.clicks?.fracture.x,
    fy: item.clicks?.fracture.y,
    ax: item.clicks?.axis.x,
    ay: item.clicks?.axis.y,
  };
  return headers.map((h) => (h in known ? known[h] : item.extra?.[h]));
}

/** A path relative to `folder` with `/` separators; absolute when on another drive. */
function portable(folder: string, path: string): string {
  const rel = relative(resolve(folder), path);
  return isAbsolute(rel) ? rel : rel.split(sep).join('/');
}
