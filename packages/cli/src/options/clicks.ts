/**
 * `--clicks FILE`: the fracture and axis points per image, from a manifest or from the clicks table
 * `affnet annotate` writes for folders (path, fx, fy, ax, ay; no label needed). Rows without clicks
 * (skipped, flagged, not yet done) are left out; a row with some but not all four is an error naming it.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { AffnetError, parseCsv, type ClickPoints } from '@affnet/core';

export function readClicksFile(file: string): Map<string, ClickPoints> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new AffnetError('E_FILE_NOT_FOUND', 'clicks file not found', { file, cause: e });
  }
  let records;
  try {
    records = parseCsv(text);
  } catch (e) {
    throw new AffnetError('E_MANIFEST_INVALID', `not a CSV file (${(e as Error).message})`, { file, cause: e });
  }
  const header = (records[0]?.fields ?? []).map((h) => h.trim().replace(/^\uFEFF/, ''));
  const col = (names: string[]) => header.findIndex((h) => names.includes(h.toLowerCase()));
  const at = { path: col(['path', 'file', 'image', 'filename']), fx: col(['fx']), fy: col(['fy']), ax: col(['ax']), ay: col(['ay']) };
  const missing = Object.entries(at)
    .filter(([, i]) => i < 0)
    .map(([k]) => k);
  if (missing.length > 0) throw new AffnetError('E_MANIFEST_INVALID', `a clicks file needs the columns path, fx, fy, ax, ay; missing: ${missing.join(', ')}`, { file });
  const base = dirname(resolve(file));
  const out = new Map<string, ClickPoints>();
  for (const r of records.slice(1)) {
    const v = (i: number) => (r.fields[i] ?? '').trim();
    const path = v(at.path);
    if (!path) continue;
    const raw = [v(at.fx), v(at.fy), v(at.ax), v(at.ay)];
    if (raw.every((x) => x === '')) continue;
    const n = raw.map(Number);
    if (raw.some((x) => x === '') || n.some((x) => !Number.isFinite(x) || x < 0)) {
      throw new AffnetError('E_MANIFEST_INVALID', `line ${r.line} (${path}): fx, fy, ax, ay must all be numbers ≥ 0, got "${raw.join('", "')}"`, { file });
    }
    if (n[0] === n[2] && n[1] === n[3]) throw new AffnetError('E_MANIFEST_INVALID', `line ${r.line} (${path}): the axis point equals the fracture point`, { file });
    out.set(isAbsolute(path) ? path : resolve(base, path), { fracture: { x: n[0]!, y: n[1]! }, axis: { x: n[2]!, y: n[3]! } });
  }
  return out;
}
