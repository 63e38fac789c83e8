/**
 * Reading and writing results files. Writes are atomic (temporary file in the same folder, then
 * rename), so a killed run never leaves a half-written JSON that a resume would trust.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { z } from 'zod';
import { AffnetError } from '@affnet/core';
import { COMPARISON_SCHEMA, COMPARISON_VERSION, comparisonSchema, type ComparisonResults } from './comparison.js';
import { EXPERIMENT_SCHEMA, EXPERIMENT_VERSION, experimentSchema, type ExperimentResults } from './experiment.js';

/** JSON cannot hold NaN/Infinity: they are written as null. */
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/** Write `value` as pretty JSON to `file` atomically (write a sibling temp file, then rename). */
export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(value, replacer, 2)}\n`);
  renameSync(tmp, file);
}

function readValidated<T>(file: string, schema: z.ZodType<T>, what: string, expected: { schema: string; version: number }): T {
  if (!existsSync(file)) throw new AffnetError('E_FILE_NOT_FOUND', `${what} file not found`, { file });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AffnetError('E_IO', `not valid JSON (${(e as Error).message})`, { file, cause: e });
  }
  const head = raw as { schema?: unknown; version?: unknown };
  if (head?.schema !== expected.schema) {
    throw new AffnetError('E_OPTION_INVALID', `not ${/^[aeiou]/i.test(what) ? 'an' : 'a'} ${what} file: "schema" is ${JSON.stringify(head?.schema)}, expected "${expected.schema}"`, { file });
  }
  if (head.version !== expected.version) {
    throw new AffnetError('E_OPTION_INVALID', `${what} version ${String(head.version)} is not supported (this tool reads version ${expected.version})`, { file });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AffnetError('E_OPTION_INVALID', `invalid ${what}: ${issue.path.join('.') || '(root)'}: ${issue.message}`, { file });
  }
  return parsed.data;
}

export function readExperimentResults(file: string): ExperimentResults {
  return readValidated(file, experimentSchema, 'experiment results', { schema: EXPERIMENT_SCHEMA, version: EXPERIMENT_VERSION });
}

export function readComparisonResults(file: string): ComparisonResults {
  return readValidated(file, comparisonSchema, 'runtime comparison', { schema: COMPARISON_SCHEMA, version: COMPARISON_VERSION });
}
