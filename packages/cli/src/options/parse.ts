/** Option value parsing with errors that name the option and the valid values. */
import { extname } from 'node:path';
import { AffnetError, choiceError } from '@affnet/core';

export function parseIntOption(option: string, value: string | undefined, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new AffnetError('E_OPTION_INVALID', `${option}: expected a whole number ${range}, got "${value}"`);
  }
  return n;
}

export function parseNumberOption(option: string, value: string | undefined, min = -Infinity, max = Infinity): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new AffnetError('E_OPTION_INVALID', `${option}: expected a number in [${min}, ${max}], got "${value}"`);
  return n;
}

/** A comma-separated list of names, each one of `valid`. */
export function parseList<T extends string>(option: string, value: string, valid: readonly T[]): T[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) throw new AffnetError('E_OPTION_INVALID', `${option}: empty list. Available: ${valid.join(', ')}`);
  for (const item of items) if (!(valid as readonly string[]).includes(item)) throw choiceError(option, item, valid);
  return [...new Set(items)] as T[];
}

export function parseChoice<T extends string>(option: string, value: string, valid: readonly T[]): T {
  if (!(valid as readonly string[]).includes(value)) throw choiceError(option, value, valid);
  return value as T;
}

/**
 * `--out` is a folder on every command. A value that looks like a file of the kind the folder will
 * hold (`--out preds.jsonl`, `--out report.html`) is refused with where that file now goes.
 */
export function checkOutFolder(option: string, value: string, fileInside: string): void {
  const ext = extname(value).toLowerCase();
  if (['.jsonl', '.json', '.html', '.md', '.csv'].includes(ext)) {
    throw new AffnetError('E_OPTION_INVALID', `${option} ${value}: ${option} is a folder on every command; give --out DIR and the file is written as DIR/${fileInside}`);
  }
}
