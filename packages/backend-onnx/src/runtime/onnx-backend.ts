/**
 * The ONNX Runtime backend: core's InferenceBackend on onnxruntime-node. `load` exports the bundle
 * (or takes a given .onnx), opens a session on the first requested execution provider that starts,
 * and reports the provider that actually runs. A requested provider that is absent is an error
 * naming it and the reason (`E_BACKEND_UNAVAILABLE`), never a silent switch to the CPU — unless the
 * caller passes `allowFallback: true`.
 */
import { AffnetError, checkLoadOptions, type EngineAvailability, type InferenceBackend, type LoadOptions, type ModelBundle } from '@affnet/core';
import * as ort from 'onnxruntime-node';
import type { ExportOptions } from '../export/options.js';
import type { Fp16Mode } from '../export/fp16.js';
import type { Precision } from '../export/precision.js';
import type { QuantizeOptions } from '../quantize/qdq.js';
import { OnnxLoadedModel, type SessionIo } from './loaded-model.js';
import { ONNX_CAPABILITIES } from './capabilities.js';
import { defaultCacheDir, detectPrecision, ExportCache, readModelFile, withInt8, type ModelSource } from './model-source.js';
import { int8Details } from './int8-details.js';
import { profileDir, readPlacement } from './placement.js';
import { engineAvailability, onnxEngines, ONNX_ENGINES, parseEngine, runtimeErrorReason, type OnnxEngine } from './providers.js';
import { toOrtSessionOptions, type OnnxSessionOptions } from './session-options.js';

export interface OnnxLoadOptions extends LoadOptions {
  /** Providers in order of preference. @defaultValue every provider, best first (tensorrt, cuda, webgpu, cpu) */
  engines?: OnnxEngine[];
  /** After the requested providers, try the others (fastest first, CPU last). @defaultValue false */
  allowFallback?: boolean;
  /** Shorthand for `session.intraOpNumThreads`. */
  threads?: number;
  session?: OnnxSessionOptions;
  /** Run this .onnx instead of exporting the bundle (its input/outputs are checked against the bundle). */
  modelPath?: string;
  /** @defaultValue 'fp32' */
  precision?: Precision;
  /** @defaultValue 'weights' on cpu, 'graph' on GPU providers */
  fp16Mode?: Fp16Mode;
  /** Calibration for `precision: 'int8'`. */
  quantization?: QuantizeOptions;
  /** Exporter options (batch, layout, folding). */
  export?: Omit<ExportOptions, 'outputs' | 'inputName' | 'zscore'>;
  /** Folder of cached exports; false keeps them in memory only. @defaultValue $TMPDIR/affnet-onnx-cache */
  cacheDir?: string | false;
  /** Profile one run at load time to count nodes per provider. @defaultValue true on non-CPU providers */
  reportPlacement?: boolean;
}

export interface OnnxBackend extends InferenceBackend {
  readonly name: 'onnx';
  load(bundle: ModelBundle, options?: OnnxLoadOptions): Promise<OnnxLoadedModel>;
}

function sessionIo(session: ort.InferenceSession, bundle: ModelBundle, source: string): SessionIo {
  const meta = session.inputMetadata[0];
  const dims = meta?.isTensor ? meta.shape : [];
  const size = bundle.manifest.inputSize;
  const layout = dims[3] === 3 && dims[1] === size ? 'nhwc' : dims[1] === 3 && dims[3] === size ? 'nchw' : undefined;
  if (!layout || dims[2] !== size || session.inputNames.length !== 1) {
    throw new AffnetError(
      'E_BUNDLE_INVALID',
      `the ONNX model's input ${session.inputNames.join(', ')} [${dims.join(', ')}] does not fit the bundle: expected one float input [N, ${size}, ${size}, 3] or [N, 3, ${size}, ${size}]`,
      { file: source },
    );
  }
  const outputs = session.outputNames;
  const probabilities = outputs.includes('probabilities') ? 'probabilities' : outputs.includes('logits') ? 'logits' : undefined;
  if (!probabilities) {
    throw new AffnetError('E_BUNDLE_INVALID', `the ONNX model has no "probabilities" or "logits" output (it has: ${outputs.join(', ')})`, { file: source });
  }
  return {
    inputName: session.inputNames[0]!,
    layout,
    ...(typeof dims[0] === 'number' ? { fixedBatch: dims[0] } : {}),
    probabilities,
    probabilitiesAreLogits: probabilities === 'logits',
    ...(outputs.includes('features') ? { features: 'features' } : {}),
  };
}

export function createOnnxBackend(defaults: OnnxLoadOptions = {}): OnnxBackend {
  const cache = new ExportCache();

  async function modelSource(bundle: ModelBundle, o: OnnxLoadOptions, engine: OnnxEngine): Promise<ModelSource> {
    if (o.modelPath) {
      const bytes = await readModelFile(o.modelPath);
      return withInt8({ bytes, source: o.modelPath, origin: 'file', precision: detectPrecision(bytes) });
    }
    const precision = o.precision ?? 'fp32';
    return cache.get(
      bundle,
      {
        ...o.export,
        precision,
        ...(precision === 'fp16' ? { fp16Mode: o.fp16Mode ?? (engine === 'cpu' ? 'weights' : 'graph') } : {}),
        ...(o.quantization ? { quantization: o.quantization } : {}),
      },
      o.cacheDir ?? defaultCacheDir(),
    );
  }

  return {
    name: 'onnx',
    capabilities: ONNX_CAPABILITIES,
    engines: (): Promise<EngineAvailability[]> => onnxEngines(),
    async load(bundle: ModelBundle, options: OnnxLoadOptions = {}): Promise<OnnxLoadedModel> {
      const o: OnnxLoadOptions = { ...defaults, ...options, session: { ...defaults.session, ...options.session } };
      if (!o.modelPath) checkLoadOptions('onnx', ONNX_CAPABILITIES, o);
      const requested = (o.engines ?? [...ONNX_ENGINES]).map((e) => parseEngine(String(e)));
      const order = o.allowFallback ? [...requested, ...ONNX_ENGINES.filter((e) => !requested.includes(e))] : requested;
      const sessionOptions: OnnxSessionOptions = {
        ...(o.threads !== undefined ? { intraOpNumThreads: o.threads } : {}),
        ...o.session,
      };
      const skipped: { engine: OnnxEngine; reason: string }[] = [];
      for (const engine of order) {
        const availability = await engineAvailability(engine);
        if (!availability.available) {
          skipped.push({ engine, reason: availability.reason ?? 'unavailable' });
          continue;
        }
        const src = await modelSource(bundle, o, engine);
        const placement = o.reportPlacement ?? engine !== 'cpu';
        const dir = placement ? await profileDir() : undefined;
        let session: ort.InferenceSession;
        try {
          session = await ort.InferenceSession.create(src.bytes, {
            ...toOrtSessionOptions(engine, sessionOptions),
            ...(dir ? { enableProfiling: true, profileFilePrefix: `${dir}/profile` } : {}),
          });
        } catch (e) {
          skipped.push({ engine, reason: `session failed: ${runtimeErrorReason(e)}` });
          continue;
        }
        const io = sessionIo(session, bundle, src.source);
        const details: Record<string, string | number | boolean> = {
          onnxruntime: ort.env.versions.node ?? 'unknown',
          requested: requested.join(','),
          model: src.source,
          modelOrigin: src.origin,
          inputLayout: io.layout,
          graphOptimizationLevel: sessionOptions.graphOptimizationLevel ?? 'all',
          ...(sessionOptions.intraOpNumThreads ? { intraOpNumThreads: sessionOptions.intraOpNumThreads } : {}),
          ...(skipped.length > 0 ? { skipped: skipped.map((s) => `[${s.engine}] ${s.reason}`).join('; ') } : {}),
          ...(src.precision === 'int8' ? int8Details(src.int8, engine) : {}),
        };
        const model = new OnnxLoadedModel(session, bundle, { backend: 'onnx', engine, precision: src.precision, details }, io, src.source);
        if (dir) {
          const size = bundle.manifest.inputSize;
          await model.forward({ data: new Float32Array(size * size * 3).map((_, i) => (i % 7) - 3), shape: [1, size, size, 3] });
          session.endProfiling();
          for (const [provider, count] of Object.entries(await readPlacement(dir))) details[`nodes.${provider}`] = count;
        }
        return model;
      }
      throw new AffnetError('E_BACKEND_UNAVAILABLE', `onnx: no requested execution provider could start: ${skipped.map((s) => `[${s.engine}] ${s.reason}`).join('; ')}`, {
        ...(bundle.path ? { file: bundle.path } : {}),
        ...(o.allowFallback ? {} : { hint: { api: 'pass allowFallback: true to try the other providers', cli: 'name another runtime (e.g. --runtime onnx:cpu) or --runtime auto' } }),
      });
    },
  };
}
