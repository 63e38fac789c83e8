/**
 * Validation of a bundle's `model.json` (zod): field types, the architecture name, labels and the
 * positive label, and the agreement of the input sizes. Unknown extra fields are kept, so a newer
 * tool's additions survive a read → write round trip.
 */
import { z } from 'zod';
import { AffnetError } from '../errors.js';
import { DEFAULT_LABELS } from '../data/manifest-types.js';
import type { Architecture } from '../models/graph.js';
import { DEFAULT_INPUT_SIZE, listArchitectures } from '../models/network.js';
import { validateAligner } from '../pathways/align/aligner.js';
import { BUNDLE_FORMAT_VERSION, NORMALISATIONS, PATHWAY_NAMES, type BundleManifest, type NormalisationName, type PathwayName } from './types.js';

const positiveInt = z.number().int().positive();

const preprocessingSchema = z.looseObject({
  pathway: z.enum(PATHWAY_NAMES as [PathwayName, ...PathwayName[]]),
  inputSize: positiveInt,
  normalisation: z.enum(NORMALISATIONS as [NormalisationName, ...NormalisationName[]]),
  cropFraction: z.number().positive().max(1).optional(),
  cropMillimetres: z.number().positive().optional(),
});

export const bundleManifestSchema = z
  .looseObject({
    format: z.literal('affnet-bundle'),
    formatVersion: z.number().int().min(1).max(BUNDLE_FORMAT_VERSION),
    architecture: z.enum(listArchitectures() as [Architecture, ...Architecture[]]),
    inputSize: positiveInt,
    labels: z.array(z.string().min(1)).min(2),
    positiveLabel: z.string().min(1),
    preprocessing: preprocessingSchema,
    provenance: z.looseObject({
      createdAt: z.string(),
      tool: z.string(),
      initialisation: z.string().optional(),
      training: z.record(z.string(), z.unknown()).optional(),
      seed: z.number().int().optional(),
    }),
    metrics: z.record(z.string(), z.number()).optional(),
    aligner: z.unknown().optional(),
  })
  .superRefine((m, ctx) => {
    if (new Set(m.labels).size !== m.labels.length) {
      ctx.addIssue({ code: 'custom', path: ['labels'], message: `labels must be distinct, got ${JSON.stringify(m.labels)}` });
    }
    if (!m.labels.includes(m.positiveLabel)) {
      ctx.addIssue({ code: 'custom', path: ['positiveLabel'], message: `"${m.positiveLabel}" is not one of the labels ${JSON.stringify(m.labels)}` });
    }
    if (m.preprocessing.inputSize !== m.inputSize) {
      ctx.addIssue({ code: 'custom', path: ['preprocessing', 'inputSize'], message: `${m.preprocessing.inputSize} differs from inputSize ${m.inputSize}` });
    }
    if (m.aligner !== undefined) {
      try {
        validateAligner(m.aligner);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: ['aligner'], message: e instanceof AffnetError ? e.detail : String(e) });
      }
    }
  });

/**
 * Validates a parsed `model.json`.
 * @throws AffnetError E_BUNDLE_INVALID naming the file and every invalid field (`path: reason`)
 */
export function parseBundleManifest(value: unknown, file = 'model.json'): BundleManifest {
  const result = bundleManifestSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AffnetError('E_BUNDLE_INVALID', `invalid bundle manifest: ${issues.join('; ')}`, { file });
  }
  return result.data as BundleManifest;
}

export interface CreateManifestOptions {
  architecture: Architecture;
  /** @defaultValue 256 */
  inputSize?: number;
  /** Class names in output order. @defaultValue ["AFF", "NFF"] (the data module's default) */
  labels?: string[];
  /** @defaultValue the first label */
  positiveLabel?: string;
  /** @defaultValue "automated" */
  pathway?: PathwayName;
  /** @defaultValue "zscore" (the reference study's) */
  normalisation?: NormalisationName;
  /** The program writing the bundle, e.g. "affnet-cli 0.1.0". */
  tool: string;
  initialisation?: string;
  seed?: number;
  training?: Record<string, unknown>;
  metrics?: Record<string, number>;
}

/** A valid manifest with the defaults filled in (z-score normalisation, as the reference study). */
export function createBundleManifest(options: CreateManifestOptions): BundleManifest {
  const inputSize = options.inputSize ?? DEFAULT_INPUT_SIZE;
  const labels = options.labels ?? [...DEFAULT_LABELS];
  const manifest: BundleManifest = {
    format: 'affnet-bundle',
    formatVersion: BUNDLE_FORMAT_VERSION,
    architecture: options.architecture,
    inputSize,
    labels,
    positiveLabel: options.positiveLabel ?? labels[0]!,
    preprocessing: { pathway: options.pathway ?? 'automated', inputSize, normalisation: options.normalisation ?? 'zscore' },
    provenance: {
      createdAt: new Date().toISOString(),
      tool: options.tool,
      ...(options.initialisation !== undefined && { initialisation: options.initialisation }),
      ...(options.seed !== undefined && { seed: options.seed }),
      ...(options.training !== undefined && { training: options.training }),
    },
    ...(options.metrics !== undefined && { metrics: options.metrics }),
  };
  return parseBundleManifest(manifest, '<new manifest>');
}
