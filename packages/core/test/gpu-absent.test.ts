import { existsSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { gpuAbsentReason } from '../src/settings.js';

const list = (dir: string) => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

describe('gpuAbsentReason', () => {
  const saved = process.env.AFFNET_GPU_PROBE;
  afterEach(() => {
    if (saved === undefined) delete process.env.AFFNET_GPU_PROBE;
    else process.env.AFFNET_GPU_PROBE = saved;
  });

  it('names the missing device nodes exactly when this Linux machine has none', () => {
    delete process.env.AFFNET_GPU_PROBE;
    const present = list('/dev').some((n) => n.startsWith('nvidia')) || list('/dev/dri').some((n) => n.startsWith('renderD')) || existsSync('/dev/dxg');
    const reason = gpuAbsentReason();
    if (process.platform !== 'linux' || present) expect(reason).toBeUndefined();
    else expect(reason).toMatch(/^no GPU device on this machine \(no \/dev\/nvidia\*.*AFFNET_GPU_PROBE=always/);
  });

  it('AFFNET_GPU_PROBE=always turns the check off', () => {
    process.env.AFFNET_GPU_PROBE = 'always';
    expect(gpuAbsentReason()).toBeUndefined();
  });
});
