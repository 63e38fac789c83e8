import { describe, expect, it } from 'vitest';
import { affine } from '../src/index.js';

describe('affine', () => {
  it.each([
    { m: affine.translate(3, -2), p: { x: 1, y: 1 }, want: { x: 4, y: -1 } },
    { m: affine.scale(2, 3), p: { x: 1, y: 1 }, want: { x: 2, y: 3 } },
    { m: affine.rotate(Math.PI / 2), p: { x: 1, y: 0 }, want: { x: 0, y: -1 } },
  ])('applies $m to $p', ({ m, p, want }) => {
    const q = affine.apply(m, p);
    expect(q.x).toBeCloseTo(want.x, 12);
    expect(q.y).toBeCloseTo(want.y, 12);
  });

  it('compose applies the right operand first and invert undoes it', () => {
    const m = affine.compose(affine.translate(10, 5), affine.rotate(0.3), affine.scale(2));
    const p = { x: 7, y: -4 };
    const q = affine.apply(m, p);
    const manual = affine.apply(affine.translate(10, 5), affine.apply(affine.rotate(0.3), affine.apply(affine.scale(2), p)));
    expect(q.x).toBeCloseTo(manual.x, 12);
    const back = affine.apply(affine.invert(m), q);
    expect(back.x).toBeCloseTo(p.x, 10);
    expect(back.y).toBeCloseTo(p.y, 10);
  });

  it('refuses a singular matrix', () => {
    expect(() => affine.invert([1, 2, 0, 2, 4, 0])).toThrow(/not invertible/);
  });
});

describe('affine helpers', () => {
  it.each([
    { m: affine.rotate(0.3), rotation: 0.3, scale: 1, aligned: false },
    { m: affine.compose(affine.scale(2), affine.rotate(-1)), rotation: -1, scale: 2, aligned: false },
    { m: affine.compose(affine.translate(5, 6), affine.scale(3, 0.5)), rotation: 0, scale: Math.sqrt(1.5), aligned: true },
  ])('rotationOf / scaleOf / isAxisAligned of $m', ({ m, rotation, scale, aligned }) => {
    expect(affine.rotationOf(m)).toBeCloseTo(rotation, 12);
    expect(affine.scaleOf(m)).toBeCloseTo(scale, 12);
    expect(affine.isAxisAligned(m)).toBe(aligned);
  });

  it('rotateAbout and scaleAbout keep the centre fixed', () => {
    const c = { x: 3, y: -2 };
    for (const m of [affine.rotateAbout(1.1, c), affine.scaleAbout(2, 3, c)]) {
      const q = affine.apply(m, c);
      expect(q.x).toBeCloseTo(3, 12);
      expect(q.y).toBeCloseTo(-2, 12);
    }
    const q = affine.apply(affine.rotateAbout(Math.PI / 2, c), { x: 4, y: -2 });
    expect(q.x).toBeCloseTo(3, 12);
    expect(q.y).toBeCloseTo(-3, 12);
  });
});
