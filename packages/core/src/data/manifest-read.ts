/**
 * Reading dataset manifests (CSV or JSON) into a validated {@link Manifest}.
 *
 * CSV: a header line, then one image per line (see `csv.ts` for the dialect). JSON: either an
 * array of rows, or `{ "format": "affnet-manifest", "labels": [...], "positive": "...",
 * "items": [rows] }`; a row is an object with the same names as the CSV columns (numbers allowed
 * for numeric fields). Every problem is reported with its place (`manifest.csv:14: column
 * 'label': …`, `manifest.json: items[13].label: …`), up to 20 at once.
 */
import { access, readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { AffnetError } from '../errors.js';
import { CsvSyntaxError, parseCsv } from './csv.js';
import { resolveColumns, resolveLabelSpec, rowSchema, type RawRow } from './manifest-schema.js';
import type { MANIFEST_FIELDS, Manifest, ManifestItem, ManifestReadOptions } from './manifest-types.js';

/** A manifest's rows before validation: headers and, per row, the text of each column. */
interface Table {
  headers: string[];
  rows: { line?: number; index: number; values: (string | undefined)[] }[];
  /** Labels / positive class the file itself declares (JSON). */
  declared?: { labels?: string[]; positive?: string };
}

interface Issue {
  line?: number;
  index: number;
  column?: string;
  message: string;
}

const MAX_REPORTED = 20;

export interface ParseManifestOptions extends Omit<ManifestReadOptions, 'checkFiles'> {
  /** Name used in messages. @defaultValue '<manifest>' */
  file?: string;
  /** Folder relative paths resolve against. @defaultValue the folder of `file`, else the working directory */
  baseDir?: string;
}

/** Reads a manifest file. Errors: `E_FILE_NOT_FOUND`, `E_IO`, `E_MANIFEST_INVALID`, `E_OPTION_INVALID`. */
export async function loadManifest(file: string, options: ManifestReadOptions = {}): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'E_FILE_NOT_FOUND' : 'E_IO';
    throw new AffnetError(code, code === 'E_FILE_NOT_FOUND' ? 'manifest not found' : 'cannot read the manifest', { file, cause: e });
  }
  const manifest = parseManifest(text, { ...options, file, baseDir: dirname(resolve(file)) });
  if (options.checkFiles) await checkFilesExist(manifest, file);
  return manifest;
}

/** Parses manifest text (pure; no file access). */
export function parseManifest(text: string, options: ParseManifestOptions = {}): Manifest {
  const file = options.file ?? '<manifest>';
  const format = options.format ?? guessFormat(text, options.file);
  const table = format === 'json' ? jsonTable(text, file) : csvTable(text, file, options.delimiter);
  return buildManifest(table, options, file, format);
}

function guessFormat(text: string, file?: string): 'csv' | 'json' {
  const ext = file ? extname(file).toLowerCase() : '';
  if (ext === '.json') return 'json';
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  return /^\uFEFF?\s*[[{]/.test(text) ? 'json' : 'csv';
}

function csvTable(text: string, file: string, delimiter?: ManifestReadOptions['delimiter']): Table {
  let records;
  try {
    records = parseCsv(text, delimiter);
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new AffnetError('E_MANIFEST_INVALID', e.message, { file, line: e.line });
    throw e;
  }
  const [header, ...body] = records;
  if (!header) throw new AffnetError('E_MANIFEST_INVALID', 'the manifest is empty (expected a header line)', { file });
  for (const r of body) {
    if (r.fields.length !== header.fields.length) {
      throw new AffnetError('E_MANIFEST_INVALID', `expected ${header.fields.length} fields (${header.fields.join(', ')}), found ${r.fields.length}`, { file, line: r.line });
    }
  }
  return { headers: header.fields, rows: body.map((r, index) => ({ line: r.line, index, values: r.fields })) };
}

const jsonCell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const jsonRow = z.record(z.string(), jsonCell);
const jsonManifest = z.union([
  z.array(jsonRow),
  z.object({
    format: z.literal('affnet-manifest').optional(),
    version: z.literal(1).optional(),
    labels: z.array(z.string()).optional(),
    positive: z.string().optional(),
    items: z.array(jsonRow),
  }),
]);

function jsonTable(text: string, file: string): Table {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new AffnetError('E_MANIFEST_INVALID', `not valid JSON: ${(e as Error).message}`, { file, cause: e });
  }
  const parsed = jsonManifest.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') : '';
    throw new AffnetError(
      'E_MANIFEST_INVALID',
      `expected an array of rows or { "format": "affnet-manifest", "items": [...] }, each row an object of ` + `strings / numbers${where ? ` (at ${where.replace(/^\./, '')}: ${issue.message})` : ''}`,
      { file },
    );
  }
  const rows = Array.isArray(parsed.data) ? parsed.data : parsed.data.items;
  const headers: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!headers.includes(key)) headers.push(key);
  const table: Table = {
    headers,
    rows: rows.map((row, index) => ({
      index,
      values: headers.map((h) => (row[h] === undefined || row[h] === null ? undefined : String(row[h]).trim())),
    })),
  };
  if (!Array.isArray(parsed.data)) {
    const { labels, positive } = parsed.data;
    table.declared = {};
    if (labels !== undefined) table.declared.labels = labels;
    if (positive !== undefined) table.declared.positive = positive;
  }
  return table;
}

function buildManifest(table: Table, options: ParseManifestOptions, file: string, format: 'csv' | 'json'): Manifest {
  const spec = resolveLabelSpec(mergeDeclared(options, table.declared, file));
  const columns = resolveColumns(table.headers, options.columns, file, format === 'csv' ? 1 : undefined);
  const baseDir = resolve(options.baseDir ?? (options.file ? dirname(resolve(options.file)) : '.'));
  const imageDir = options.imageDir ? resolve(baseDir, options.imageDir) : baseDir;
  const schema = rowSchema(spec);
  const issues: Issue[] = [];
  const items: ManifestItem[] = [];
  const firstRowOfPath = new Map<string, { line?: number; index: number }>();
  const fieldColumns = [...columns.entries()];
  const mappedIndices = new Set(columns.values());

  for (const row of table.rows) {
    const raw: RawRow = {};
    // A JSON row without a key the other rows have counts as empty, like an empty CSV cell.
    for (const [field, i] of fieldColumns) raw[field] = row.values[i] ?? '';
    const result = schema.safeParse(raw);
    if (!result.success) {
      for (const iss of result.error.issues) {
        const field = iss.path[0] as (typeof MANIFEST_FIELDS)[number] | undefined;
        const idx = field === undefined ? undefined : columns.get(field);
        issues.push({ line: row.line, index: row.index, column: idx === undefined ? field : table.headers[idx], message: iss.message });
      }
      continue;
    }
    const v = result.data;
    const path = isAbsolute(v.pathAsWritten) ? v.pathAsWritten : resolve(imageDir, v.pathAsWritten);
    const first = firstRowOfPath.get(path);
    if (first) {
      const where = first.line !== undefined ? `line ${first.line}` : `items[${first.index}]`;
      const column = table.headers[columns.get('path')!];
      issues.push({ line: row.line, index: row.index, column, message: `'${v.pathAsWritten}' repeats the image of ${where}` });
      continue;
    }
    firstRowOfPath.set(path, { line: row.line, index: row.index });
    const item: ManifestItem = { path, pathAsWritten: v.pathAsWritten, label: v.label, patientId: v.patientId ?? path };
    if (v.view !== undefined) item.view = v.view;
    if (v.clicks) item.clicks = v.clicks;
    const extra: Record<string, string> = {};
    table.headers.forEach((h, i) => {
      const value = row.values[i];
      if (!mappedIndices.has(i) && value !== undefined) extra[h] = value;
    });
    if (Object.keys(extra).length > 0) item.extra = extra;
    if (row.line !== undefined) item.line = row.line;
    items.push(item);
  }
  if (issues.length > 0) throw issuesError(issues, file);
  if (items.length === 0) throw new AffnetError('E_MANIFEST_INVALID', 'the manifest lists no images', { file });
  const manifest: Manifest = {
    baseDir: imageDir,
    labels: spec.labels,
    positive: spec.positive,
    patientIdsKnown: columns.has('patientId'),
    items,
  };
  if (options.file !== undefined) manifest.file = options.file;
  return manifest;
}

/** Labels a JSON manifest declares are used when the options give none; a disagreement is an error. */
function mergeDeclared(options: ParseManifestOptions, declared: Table['declared'], file: string) {
  const merged = { labels: options.labels, positive: options.positive };
  if (!declared) return merged;
  if (declared.labels && options.labels) {
    const mine = Array.isArray(options.labels) ? [...options.labels] : [...new Set(Object.values(options.labels))];
    if ([...mine].sort().join('\n') !== [...declared.labels].sort().join('\n')) {
      const message = `labels: the manifest declares ${declared.labels.join(', ')}, the option says ${mine.join(', ')}`;
      throw new AffnetError('E_OPTION_INVALID', message, { file });
    }
  }
  if (declared.positive && options.positive && declared.positive !== options.positive) {
    throw new AffnetError('E_OPTION_INVALID', `positive: the manifest declares '${declared.positive}', the option says '${options.positive}'`, { file });
  }
  return { labels: options.labels ?? declared.labels, positive: options.positive ?? declared.positive };
}

function describe(issue: Issue, file: string): string {
  if (issue.line !== undefined) return `${file}:${issue.line}: column '${issue.column}': ${issue.message}`;
  return `${file}: items[${issue.index}].${issue.column}: ${issue.message}`;
}

function issuesError(issues: Issue[], file: string): AffnetError {
  const [first, ...rest] = issues;
  const firstText = first!.line !== undefined ? `column '${first!.column}': ${first!.message}` : describe(first!, file).slice(file.length + 2);
  const more = rest
    .slice(0, MAX_REPORTED - 1)
    .map((i) => `\n${describe(i, file)}`)
    .join('');
  const hidden = issues.length > MAX_REPORTED ? `\n… and ${issues.length - MAX_REPORTED} more problems` : '';
  return new AffnetError('E_MANIFEST_INVALID', firstText + more + hidden, { file, line: first!.line });
}

async function checkFilesExist(manifest: Manifest, file: string): Promise<void> {
  const found = await Promise.all(
    manifest.items.map((item) =>
      access(item.path).then(
        () => true,
        () => false,
      ),
    ),
  );
  const missing = manifest.items.filter((_, i) => !found[i]);
  if (missing.length === 0) return;
  const list = missing
    .slice(0, MAX_REPORTED)
    .map((m) => `\n${m.line !== undefined ? `${file}:${m.line}: ` : ''}${m.path}`)
    .join('');
  throw new AffnetError('E_FILE_NOT_FOUND', `${missing.length} of ${manifest.items.length} images not found:${list}`, { file });
}
