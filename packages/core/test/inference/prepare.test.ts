import { describe, expect, it } from 'vitest';
import { bundleFingerprint, buildNetwork, checkBundleForPrediction, createBundleManifest, createRadiograph, initWeights, predictionRecord, prepareForBundle, preprocess } from '../../src/index.js';

const radiograph = () => {
  const w = 60;
  const h = 80;
  const data = new Float32Array(w * h).map((_v, i) => 100 + (i % w === 30 ? 900 : (i * 7) % 50));
  return createRadiograph(w, h, data, { source: 'r.png', bitDepth: 12 });
};

describe('prepareForBundle', () => {
  it('is the bundle’s preprocessing for an automated bundle', () => {
    const m = createBundleManifest({ architecture: 'resnet18', inputSize: 32, tool: 't' });
    const r = radiograph();
    expect(Array.from(prepareForBundle(r, m).data)).toEqual(Array.from(preprocess(r, m.preprocessing).data));
  });

  it('needs clicks for an intervention bundle without aligner, and uses them when given', () => {
    const m = createBundleManifest({ architecture: 'resnet18', inputSize: 32, tool: 't', pathway: 'intervention' });
    expect(() => prepareForBundle(radiograph(), m)).toThrow(/needs the fracture and axis clicks/);
    const clicks = { fracture: { x: 30, y: 40 }, axis: { x: 30, y: 5 } };
    const pre = prepareForBundle(radiograph(), m, clicks);
    expect(pre.alignment).toMatchObject({ source: 'clicks', clicks });
    const rec = predictionRecord(m, { label: 'AFF', probability: 0.7 }, pre, [{ kind: 'truncated-read', file: 'r.png', detail: 'cut' }], 'r.png');
    expect(rec).toMatchObject({ label: 'AFF', probability: 0.7, positiveLabel: 'AFF', alignment: 'clicks', points: clicks });
    expect(rec.warnings).toHaveLength(1);
  });

  it('refuses an auto bundle without an aligner before any image', () => {
    const m = createBundleManifest({ architecture: 'resnet18', inputSize: 32, tool: 't', pathway: 'auto' });
    expect(() => checkBundleForPrediction(m, 'b/')).toThrow(/carries no aligner/);
  });
});

describe('bundleFingerprint', () => {
  it('is the same for two copies (creation time aside) and changes with any weight', () => {
    const g = buildNetwork('resnet18', { inputSize: 32 });
    const a = { manifest: createBundleManifest({ architecture: 'resnet18', inputSize: 32, tool: 'a' }), weights: initWeights(g, 1) };
    const b = { manifest: { ...createBundleManifest({ architecture: 'resnet18', inputSize: 32, tool: 'b' }), provenance: { createdAt: '2000-01-01', tool: 'other' } }, weights: initWeights(g, 1) };
    expect(bundleFingerprint(a)).toBe(bundleFingerprint(b));
    const [name, w] = [...b.weights.entries()][3]!;
    const changed = new Float32Array(w.data);
    changed[0]! += 1e-6;
    b.weights.set(name, { shape: w.shape, data: changed });
    expect(bundleFingerprint(b)).not.toBe(bundleFingerprint(a));
    expect(bundleFingerprint(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});
