import { describe, expect, it } from 'vitest';
import { AffnetError, createBackendRegistry, type InferenceBackend } from '../src/index.js';

const fake = (name: string): InferenceBackend => ({
  name,
  capabilities: { precisions: ['fp32'], features: true, engines: ['cpu'] },
  engines: async () => [],
  load: async () => {
    throw new Error('not used');
  },
});

describe('backend registry', () => {
  it('resolves by priority when no preference is given', async () => {
    const r = createBackendRegistry();
    r.register('low', async () => fake('low'), 1);
    r.register('high', async () => fake('high'), 5);
    expect((await r.resolve()).name).toBe('high');
  });

  it('names a requested backend that fails instead of silently replacing it', async () => {
    const r = createBackendRegistry();
    r.register('cpu', async () => fake('cpu'));
    r.register('gpu', async () => {
      throw new Error('no adapter');
    });
    await expect(r.resolve(['gpu'])).rejects.toThrow(/\[gpu\] no adapter/);
    await expect(r.resolve(['gpu'])).rejects.toBeInstanceOf(AffnetError);
    const fb = await r.resolve(['gpu'], { allowFallback: true });
    expect(fb.name).toBe('cpu');
    expect(fb.skipped).toEqual([{ name: 'gpu', reason: 'no adapter' }]);
  });

  it('lists unknown names with what is available', async () => {
    const r = createBackendRegistry();
    r.register('cpu', async () => fake('cpu'));
    await expect(r.resolve(['tpu'])).rejects.toThrow(/\[tpu\] not registered \(available: cpu\)/);
  });
});
