import { describe, expect, it } from 'vitest';
import {
  type AffnetError,
  checkBatch,
  checkLoadOptions,
  checkOutputFinite,
  createBackendRegistry,
  formatRuntimeSpec,
  isAffnetError,
  parseRuntimeSpec,
  parseRuntimeSpecs,
  resolveRuntime,
  runtimeId,
  specMatches,
  type BackendCapabilities,
  type InferenceBackend,
} from '../../src/index.js';

describe('the runtime grammar: auto | BACKEND[:ENGINE][/PRECISION]', () => {
  it.each([
    ['auto', { backend: 'auto' }],
    ['onnx', { backend: 'onnx' }],
    ['onnx:cpu', { backend: 'onnx', engine: 'cpu' }],
    ['onnx:cpu/int8', { backend: 'onnx', engine: 'cpu', precision: 'int8' }],
    ['onnx/fp16', { backend: 'onnx', precision: 'fp16' }],
    ['tfjs:tfjs-node-gpu', { backend: 'tfjs', engine: 'tfjs-node-gpu' }],
    [' transformers:cpu ', { backend: 'transformers', engine: 'cpu' }],
  ])('%s', (text, spec) => {
    expect(parseRuntimeSpec(text)).toEqual(spec);
    expect(formatRuntimeSpec(parseRuntimeSpec(text))).toBe(text.trim());
  });

  it.each([
    ['', /no backend name/],
    ['onnx:', /an empty engine after ":"/],
    ['onnx:cpu/int4', /unknown precision "int4" \(available: fp32, fp16, int8\)/],
    ['onnx:cpu:x', /more than one ":"/],
    ['tfjs/wasm/fp32', /did you mean "tfjs:wasm\/fp32"\?/],
    ['ONNX', /"ONNX" is not a backend name/],
  ])('refuses %j', (text, message) => {
    const e = (() => {
      try {
        parseRuntimeSpec(text, '--reference');
      } catch (err) {
        return err;
      }
    })();
    expect(isAffnetError(e, 'E_OPTION_INVALID')).toBe(true);
    expect((e as Error).message).toMatch(/^--reference: /);
    expect((e as Error).message).toMatch(message);
  });

  it('lists, ids and matching', () => {
    expect(parseRuntimeSpecs('onnx:cpu/int8, tfjs')).toEqual([{ backend: 'onnx', engine: 'cpu', precision: 'int8' }, { backend: 'tfjs' }]);
    expect(() => parseRuntimeSpecs('auto,onnx')).toThrow(/"auto" names one runtime/);
    expect(runtimeId({ backend: 'onnx', engine: 'cpu', precision: 'int8' })).toBe('onnx:cpu/int8');
    const r = { backend: 'onnx', engine: 'cpu', precision: 'int8' as const };
    expect([specMatches({ backend: 'onnx' }, r), specMatches({ backend: 'onnx', precision: 'fp32' }, r), specMatches({ backend: 'tfjs' }, r)]).toEqual([true, false, false]);
  });
});

const caps = (o: Partial<BackendCapabilities> = {}): BackendCapabilities => ({ precisions: ['fp32'], features: true, engines: ['cpu', 'gpu'], ...o });
const fake = (name: string, c: BackendCapabilities): InferenceBackend => ({ name, capabilities: c, engines: async () => [], load: async () => Promise.reject(new Error('unused')) });

function registry() {
  const r = createBackendRegistry();
  const fast = caps({ precisions: ['fp32', 'int8'], engines: ['cpu', 'webgpu'] });
  r.register('fast', async () => fake('fast', fast), { priority: 30, capabilities: fast, auto: { engine: 'cpu' } });
  const scores = caps({ features: false, normalisations: ['zscore'] });
  r.register('scores', async () => fake('scores', scores), { priority: 25, capabilities: scores, auto: false });
  r.register('slow', async () => fake('slow', caps()), { priority: 20, capabilities: caps() });
  return r;
}

describe('resolveRuntime: one place from a spec to a backend', () => {
  it('auto takes the highest-priority backend that auto may use, on its auto engine', async () => {
    const r = await resolveRuntime(registry(), 'auto');
    expect(r).toMatchObject({ asked: 'auto', name: 'fast', loadOptions: { engines: ['cpu'], allowFallback: false } });
    expect(r.note).toBeUndefined();
  });

  it('auto passes over a backend that cannot serve the request and says why', async () => {
    // neither runs fp16: no runtime, and the error lists why for each
    await expect(resolveRuntime(registry(), { backend: 'auto', precision: 'fp16' })).rejects.toThrow(/fast runs fp32, int8 only, not fp16; slow runs fp32 only, not fp16/);
  });

  it('auto skips a backend that fails to start and names it', async () => {
    const reg = registry();
    reg.register('fast', async () => Promise.reject(new Error('native module missing')), { priority: 30, capabilities: caps(), auto: {} });
    const r = await resolveRuntime(reg, 'auto');
    expect(r.name).toBe('slow');
    expect(r.note).toBe('--runtime auto: fast could not start: native module missing');
  });

  it('a named backend: engine and precision become load options; fall-back only without an engine', async () => {
    expect((await resolveRuntime(registry(), 'fast:webgpu/int8')).loadOptions).toEqual({ engines: ['webgpu'], allowFallback: false, precision: 'int8' });
    expect((await resolveRuntime(registry(), 'slow')).loadOptions).toEqual({ allowFallback: true });
  });

  it.each([
    ['nope', {}, /--runtime: unknown backend "nope"\. Available: auto, fast, scores, slow/],
    ['fas', {}, /Did you mean "fast"\?/],
    ['slow/int8', {}, /--runtime slow\/int8: slow runs fp32 only, not int8/],
    ['fast:tpu', {}, /fast has no engine "tpu" \(engines: cpu, webgpu\)/],
    ['scores', { features: true }, /scores gives class scores only, and this needs the feature map/],
    ['scores', { normalisation: 'imagenet-caffe' as const }, /scores takes zscore input only, and the bundle uses imagenet-caffe/],
  ])('refuses %s %j before anything loads', async (spec, needs, message) => {
    const e = await resolveRuntime(registry(), spec, needs).catch((x: unknown) => x);
    expect(isAffnetError(e, 'E_OPTION_INVALID')).toBe(true);
    expect((e as Error).message).toMatch(message);
  });

  it('auto with a need only the lower backend meets', async () => {
    const reg = createBackendRegistry();
    reg.register('nofeat', async () => fake('nofeat', caps({ features: false })), { priority: 9, capabilities: caps({ features: false }) });
    reg.register('feat', async () => fake('feat', caps()), { priority: 1, capabilities: caps() });
    const r = await resolveRuntime(reg, 'auto', { features: true });
    expect(r.name).toBe('feat');
    expect(r.note).toMatch(/nofeat gives class scores only/);
  });
});

describe('batch and output checks: one code per fault on every backend', () => {
  const N = 4;
  it.each([
    ['wrong size', { data: new Float32Array(2 * 3 * 3 * 3), shape: [2, 3, 3, 3] }, 'E_BATCH_INVALID', /batch shape \[2, 3, 3, 3\] does not fit the model input \[n, 4, 4, 3\]/],
    ['wrong count', { data: new Float32Array(5), shape: [1, 4, 4, 3] }, 'E_BATCH_INVALID', /batch has 5 values, its shape \[1, 4, 4, 3\] needs 48/],
    ['too many', { data: new Float32Array(3 * 48), shape: [3, 4, 4, 3] }, 'E_BATCH_INVALID', /batch of 3 images is larger than the 2/],
    ['a NaN', { data: new Float32Array(96).fill(Number.NaN, 50, 51), shape: [2, 4, 4, 3] }, 'E_INPUT_NOT_FINITE', /image 1 of the batch holds a non-finite value \(NaN\) at index 50/],
  ] as const)('%s', (_n, batch, code, message) => {
    const e = (() => {
      try {
        checkBatch(batch as never, { inputSize: N, maxBatch: 2, where: 'model x', file: 'b/model.json' });
      } catch (err) {
        return err as AffnetError;
      }
    })();
    expect(e?.code).toBe(code);
    expect(e?.message).toMatch(/^b\/model\.json: model x: /);
    expect(e?.message).toMatch(message);
  });

  it('non-finite outputs are runtime errors', () => {
    expect(() => checkOutputFinite(new Float32Array([0.5, Infinity]), 'probability', 'onnx (cpu)')).toThrow(/onnx \(cpu\): the runtime gave a non-finite probability \(Infinity\) at index 1/);
    expect(() => checkOutputFinite(new Float32Array([0.5, 0.5]), 'probability', 'x')).not.toThrow();
  });

  it('load options against capabilities', () => {
    expect(() => checkLoadOptions('tfjs', caps(), { precision: 'int8' })).toThrow(/tfjs: precision int8 is not supported \(supported: fp32\)/);
    expect(() => checkLoadOptions('onnx', caps({ precisions: ['int8'] }), { precision: 'int8' })).toThrow(/needs calibration images/);
    expect(() => checkLoadOptions('onnx', caps(), { engines: ['tpu'] })).toThrow(/onnx: engines: unknown value "tpu"\. Available: cpu, gpu/);
    expect(() => checkLoadOptions('onnx', caps(), { engines: ['gpuu'] })).toThrow(/Did you mean "gpu"\?/);
  });
});
