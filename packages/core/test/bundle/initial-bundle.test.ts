import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/models/index.js';
import { initialBundle, initWeights } from '../../src/bundle/index.js';

describe('initialBundle', () => {
  it("holds exactly the trainer's seeded starting weights, in a valid manifest", () => {
    const b = initialBundle({ architecture: 'resnet18', inputSize: 32, labels: ['fracture', 'none'], tool: 'test', seed: 7 });
    const expected = initWeights(buildNetwork('resnet18', { inputSize: 32, numClasses: 2 }), 7);
    expect([...b.weights.keys()]).toEqual([...expected.keys()]);
    const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const differing = [...expected].filter(([k, t]) => !bytes(b.weights.get(k)!.data).equals(bytes(t.data))).map(([k]) => k);
    expect(differing).toEqual([]);
    expect(b.manifest).toMatchObject({
      architecture: 'resnet18',
      inputSize: 32,
      labels: ['fracture', 'none'],
      positiveLabel: 'fracture',
      provenance: { initialisation: 'random (seeded 7)', seed: 7 },
    });
    const other = initialBundle({ architecture: 'resnet18', inputSize: 32, tool: 'test', seed: 8 }).weights.get('conv1_conv/kernel')!.data;
    expect(bytes(other).equals(bytes(b.weights.get('conv1_conv/kernel')!.data))).toBe(false);
  });
});
