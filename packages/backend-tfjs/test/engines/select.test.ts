import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { isAffnetError } from '@affnet/core';
import { ENGINE_NAMES, probeEngines, selectEngine, TF_BACKEND_OF, useEngine } from '../../src/index.js';

describe('engine selection', () => {
  it('lists every engine, best first, each with availability or the reason it is absent', async () => {
    const engines = await probeEngines();
    expect(engines.map((e) => e.engine)).toEqual(['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu']);
    for (const e of engines) {
      if (!e.available) expect(e.reason?.length ?? 0, `${e.engine} has a reason`).toBeGreaterThan(20);
    }
    const byName = Object.fromEntries(engines.map((e) => [e.engine, e]));
    expect(byName.wasm!.available).toBe(true);
    expect(byName.cpu!.available).toBe(true);
  });

  it.each([
    ['tfjs-node', /@tensorflow\/tfjs-node is not installed/],
    ['tfjs-node-gpu', /@tensorflow\/tfjs-node-gpu is not installed/],
  ])('reports the optional %s as absent, naming the package', async (engine, reason) => {
    const entry = (await probeEngines()).find((e) => e.engine === engine)!;
    expect(entry.available).toBe(false);
    expect(entry.reason).toMatch(reason);
  });

  it.each([
    ['wasm', 'wasm'],
    ['cpu', 'cpu'],
  ])('runs on %s when asked and reports tf.getBackend() after tf.ready()', async (engine, tfBackend) => {
    const sel = await selectEngine({ engines: [engine] });
    expect(sel.engine).toBe(engine);
    expect(sel.tfBackend).toBe(tfBackend);
    expect(tf.getBackend()).toBe(tfBackend);
    expect(sel.runtime).toMatchObject({ backend: 'tfjs', engine, precision: 'fp32', details: { tfBackend, tfjs: tf.version.tfjs } });
    expect(sel.skipped).toEqual([]);
  });

  it('reports WASM SIMD and the thread count', async () => {
    const sel = await selectEngine({ engines: ['wasm'] });
    expect(typeof sel.runtime.details!.simd).toBe('boolean');
    expect(sel.runtime.details!.threads).toBeGreaterThanOrEqual(1);
  });

  it('names an absent engine and its reason instead of replacing it', async () => {
    const err = await selectEngine({ engines: ['tfjs-node'] }).catch((e: unknown) => e);
    expect(isAffnetError(err, 'E_BACKEND_UNAVAILABLE')).toBe(true);
    expect((err as Error).message).toMatch(/\[tfjs-node\] @tensorflow\/tfjs-node is not installed/);
    expect((err as Error).message).toMatch(/allowFallback/);
  });

  it('falls back, best first, only when asked, listing what it skipped', async () => {
    const sel = await selectEngine({ engines: ['tfjs-node'], allowFallback: true });
    expect(sel.skipped[0]).toMatchObject({ engine: 'tfjs-node' });
    expect(['tfjs-node-gpu', 'webgpu', 'wasm', 'cpu']).toContain(sel.engine);
    expect(tf.getBackend()).toBe(TF_BACKEND_OF[sel.engine]);
  });

  it('never crashes on WebGPU: it runs where Dawn finds a GPU, else it is absent with the reason', async () => {
    const probe = (await probeEngines()).find((e) => e.engine === 'webgpu')!;
    if (probe.available) {
      const sel = await selectEngine({ engines: ['webgpu'] });
      expect(sel.tfBackend).toBe('webgpu');
      const sum = tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0]);
      expect(sum).toBe(6);
    } else {
      expect(probe.reason).toMatch(/webgpu|Dawn|adapter|GPU/i);
      const err = await selectEngine({ engines: ['webgpu'] }).catch((e: unknown) => e);
      expect(isAffnetError(err, 'E_BACKEND_UNAVAILABLE')).toBe(true);
      expect((err as Error).message).toContain('[webgpu]');
    }
  });

  it('picks the best available engine when none is asked for', async () => {
    const probes = await probeEngines();
    const best = probes.find((p) => p.available)!.engine;
    const sel = await selectEngine();
    expect(sel.engine).toBe(best);
    expect(sel.skipped.map((s) => s.engine)).toEqual(ENGINE_NAMES.slice(0, ENGINE_NAMES.indexOf(sel.engine)));
  });

  it.each([['tpu'], ['WASM'], ['']])('rejects the unknown engine name "%s" listing the valid ones', async (name) => {
    const err = await selectEngine({ engines: [name] }).catch((e: unknown) => e);
    expect(isAffnetError(err, 'E_OPTION_INVALID')).toBe(true);
    expect((err as Error).message).toContain('Available: tfjs-node-gpu, webgpu, tfjs-node, wasm, cpu');
  });

  it('useEngine switches back to an engine chosen earlier', async () => {
    await selectEngine({ engines: ['cpu'] });
    await useEngine('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
});
