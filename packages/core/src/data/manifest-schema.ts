/**
 * Validation of manifest rows (zod): which column holds which field (header aliases or an explicit
 * mapping), the two classes and the positive one, and one row's values. Internal to `data/`.
 * @internal
 */
import { z } from 'zod';
import { AffnetError, choiceError } from '../errors.js';
import { DEFAULT_LABELS, DEFAULT_POSITIVE, MANIFEST_FIELDS, type ClickPoints, type ManifestField, type ManifestMapping } from './manifest-types.js';

/**
 * Header aliases, compared after lower-casing and dropping spaces, `_`, `-` and `.`
 * (so `Patient ID`, `patient_id` and `PatientID` are one name).
 */
export const MANIFEST_HEADER_ALIASES: Readonly<Record<ManifestField, readonly string[]>> = {
  path: ['path', 'image', 'file', 'filename', 'filepath', 'imagepath', 'imagefile'],
  label: ['label', 'class', 'diagnosis', 'target'],
  patientId: ['patientid', 'patient', 'subject', 'subjectid'],
  view: ['view', 'viewposition', 'projection'],
  fx: ['fx', 'fracturex'],
  fy: ['fy', 'fracturey'],
  ax: ['ax', 'axisx'],
  ay: ['ay', 'axisy'],
};

export const CLICK_FIELDS = ['fx', 'fy', 'ax', 'ay'] as const;

const normaliseHeader = (h: string) => h.toLowerCase().replace(/[\s_.-]/g, '');

/** The resolved class set: written value → class name, the two classes (positive first), the positive one. */
export interface LabelSpec {
  map: ReadonlyMap<string, string>;
  labels: readonly [string, string];
  positive: string;
}

/**
 * Resolves the `labels` / `positive` options (and labels a JSON manifest declares) into a {@link LabelSpec}.
 * Custom labels need an explicit positive class, since guessing it would silently flip every metric.
 */
export function resolveLabelSpec(mapping: Pick<ManifestMapping, 'labels' | 'positive'>): LabelSpec {
  const given = mapping.labels ?? DEFAULT_LABELS;
  const entries: [string, string][] = Array.isArray(given) ? (given as readonly string[]).map((l) => [l, l]) : Object.entries(given as Record<string, string>);
  const classes = [...new Set(entries.map(([, c]) => c))];
  if (classes.length !== 2 || entries.some(([k, c]) => k.trim() === '' || c.trim() === '')) {
    throw new AffnetError('E_OPTION_INVALID', `labels: a manifest has exactly two non-empty classes; got ${classes.length} (${classes.join(', ')})`);
  }
  if (Array.isArray(given) && entries.length !== 2) {
    throw new AffnetError('E_OPTION_INVALID', `labels: "${given.join(', ')}" repeats a class`);
  }
  const isDefault = classes.every((c) => (DEFAULT_LABELS as readonly string[]).includes(c));
  const positive = mapping.positive ?? (isDefault ? DEFAULT_POSITIVE : undefined);
  if (positive === undefined) {
    throw new AffnetError('E_OPTION_INVALID', `positive: required with custom labels (${classes.join(', ')}); name the class to count as positive`);
  }
  if (!classes.includes(positive)) throw choiceError('positive', positive, classes);
  // Positive first, both for the class list and for the accepted values in messages (object keys
  // that look like integers would otherwise come in numeric order).
  const ordered = [...entries.filter(([, c]) => c === positive), ...entries.filter(([, c]) => c !== positive)];
  const negative = classes.find((c) => c !== positive)!;
  return { map: new Map(ordered), labels: [positive, negative], positive };
}

/**
 * Index of the column holding each field. Explicit `columns` win; other fields are found by
 * {@link MANIFEST_HEADER_ALIASES}. Throws when a required column is missing, a mapped column is
 * absent, two columns claim one field, or the click columns are incomplete.
 */
export function resolveColumns(headers: readonly string[], columns: ManifestMapping['columns'] = {}, file: string, line?: number): Map<ManifestField, number> {
  const fail = (message: string) => new AffnetError('E_MANIFEST_INVALID', message, { file, line });
  const seen = new Map<string, number>();
  headers.forEach((h, i) => {
    const key = h.trim().toLowerCase();
    if (key === '') throw fail(`column ${i + 1} has no name`);
    if (seen.has(key)) throw fail(`column '${h}' appears twice (columns ${seen.get(key)! + 1} and ${i + 1})`);
    seen.set(key, i);
  });
  const found = new Map<ManifestField, number>();
  for (const [field, name] of Object.entries(columns) as [string, string | undefined][]) {
    if (!(MANIFEST_FIELDS as readonly string[]).includes(field)) throw choiceError('columns', field, MANIFEST_FIELDS);
    if (name === undefined) continue;
    const index = seen.get(name.trim().toLowerCase());
    if (index === undefined) {
      throw fail(`column '${name}' (given for ${field}) not found; the columns are: ${headers.join(', ')}`);
    }
    found.set(field as ManifestField, index);
  }
  const mappedIndices = new Set(found.values());
  for (const field of MANIFEST_FIELDS) {
    if (found.has(field)) continue;
    const matches = headers.map((h, i) => ({ h, i })).filter(({ h, i }) => !mappedIndices.has(i) && MANIFEST_HEADER_ALIASES[field].includes(normaliseHeader(h)));
    if (matches.length > 1) {
      throw fail(`columns ${matches.map((m) => `'${m.h}'`).join(' and ')} both name the ${field} field; ` + `keep one, or choose one with the columns.${field} option`);
    }
    if (matches.length === 1) found.set(field, matches[0]!.i);
  }
  for (const field of ['path', 'label'] as const) {
    if (!found.has(field)) {
      throw fail(`no ${field} column (accepted names: ${MANIFEST_HEADER_ALIASES[field].join(', ')}; or map one with ` + `the columns.${field} option); the columns are: ${headers.join(', ')}`);
    }
  }
  const clicks = CLICK_FIELDS.filter((f) => found.has(f));
  if (clicks.length > 0 && clicks.length < 4) {
    const missing = CLICK_FIELDS.filter((f) => !found.has(f));
    throw fail(`click columns come as all four of fx, fy, ax, ay; missing: ${missing.join(', ')}`);
  }
  return found;
}

/** One row's raw values by field: the trimmed text, or undefined when the column is absent. */
export type RawRow = Partial<Record<ManifestField, string>>;

export interface ValidRow {
  pathAsWritten: string;
  label: string;
  patientId?: string;
  view?: string;
  clicks?: ClickPoints;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A pixel coordinate: a finite number ≥ 0, or empty. */
const coordinate = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!NUMBER.test(v) || !Number.isFinite(n)) {
      ctx.addIssue({ code: 'custom', message: `'${v}' is not a number` });
      return z.NEVER;
    }
    if (n < 0) {
      ctx.addIssue({ code: 'custom', message: `'${v}' is negative (pixel coordinates start at 0)` });
      return z.NEVER;
    }
    return n;
  });

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

/** The zod schema of one row for a class set. Issue paths are field names. */
export function rowSchema(spec: LabelSpec) {
  const accepted = [...spec.map.keys()];
  const mapped = accepted.some((k) => spec.map.get(k) !== k);
  const choices = mapped ? accepted.map((k) => `${k} (${spec.map.get(k)})`).join(', ') : accepted.join(', ');
  return z
    .object({
      path: z.string({ error: 'is missing' }).min(1, { error: 'is empty', abort: true }),
      label: z
        .string({ error: 'is missing' })
        .min(1, { error: `is empty (expected one of ${choices})`, abort: true })
        .refine((v) => spec.map.has(v), { error: (iss) => `'${String(iss.input)}' is not one of ${choices}` })
        .transform((v) => spec.map.get(v)!),
      patientId: z
        .string()
        .optional()
        .refine((v) => v !== '', { error: 'is empty (give every image a patient id, or leave the column out)' }),
      view: optionalText,
      fx: coordinate,
      fy: coordinate,
      ax: coordinate,
      ay: coordinate,
    })
    .superRefine((row, ctx) => {
      const given = CLICK_FIELDS.filter((f) => row[f] !== undefined);
      if (given.length > 0 && given.length < 4) {
        for (const f of CLICK_FIELDS.filter((c) => row[c] === undefined)) {
          ctx.addIssue({ code: 'custom', path: [f], message: 'is empty while other click columns are set (give all four of fx, fy, ax, ay, or none)' });
        }
      } else if (given.length === 4 && row.fx === row.ax && row.fy === row.ay) {
        ctx.addIssue({ code: 'custom', path: ['ax'], message: 'the axis point equals the fracture point, so the shaft direction is undefined' });
      }
    })
    .transform((row): ValidRow => {
      const out: ValidRow = { pathAsWritten: row.path, label: row.label };
      if (row.patientId !== undefined) out.patientId = row.patientId;
      if (row.view !== undefined) out.view = row.view;
      if (row.fx !== undefined && row.fy !== undefined && row.ax !== undefined && row.ay !== undefined) {
        out.clicks = { fracture: { x: row.fx, y: row.fy }, axis: { x: row.ax, y: row.ay } };
      }
      return out;
    });
}
