import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, halfToFloat, isAffnetError, type WeightMap } from '../../src/index.js';

/** A safetensors file from a header object and raw data bytes, as the format defines it. */
function file(header: unknown, data: number[] | Uint8Array, headerText = JSON.stringify(header)): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (...v: number[]) => [...new Uint8Array(new Float32Array(v).buffer)];

describe('safetensors encoding', () => {
  it('writes the 8-byte little-endian header size, space-padded JSON and little-endian F32 data', () => {
    const tensors: WeightMap = new Map([['a', { shape: [2], data: new Float32Array([1, -2]) }]]);
    const bytes = encodeSafetensors(tensors);
    const json = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'; // 54 bytes → padded to 56
    expect(Array.from(bytes.subarray(0, 8))).toEqual([56, 0, 0, 0, 0, 0, 0, 0]);
    expect(new TextDecoder().decode(bytes.subarray(8, 64))).toBe(`${json}  `);
    expect(Array.from(bytes.subarray(64))).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
  });

  it('round-trips tensors and metadata', () => {
    const tensors: WeightMap = new Map([
      ['conv/kernel', { shape: [1, 1, 2, 3], data: new Float32Array([0.5, -1.25, 3, 4e-8, -0, 1e30]) }],
      ['conv/bias', { shape: [3], data: new Float32Array([7, 8, 9]) }],
      ['empty', { shape: [0], data: new Float32Array(0) }],
    ]);
    const { tensors: back, metadata } = decodeSafetensors(encodeSafetensors(tensors, { format: 'affnet' }));
    expect(metadata).toEqual({ format: 'affnet' });
    expect([...back.keys()]).toEqual(['conv/kernel', 'conv/bias', 'empty']);
    expect(back.get('conv/kernel')).toEqual(tensors.get('conv/kernel'));
    expect(back.get('conv/bias')).toEqual(tensors.get('conv/bias'));
  });
});

describe('safetensors decoding of other dtypes', () => {
  it.each<[number, number]>([
    [0x3c00, 1],
    [0xc000, -2],
    [0x3800, 0.5],
    [0x7bff, 65504],
    [0x0001, 2 ** -24],
    [0x7c00, Infinity],
  ])('F16 bits %i decode to %d', (bits, value) => {
    expect(halfToFloat(bits)).toBe(value);
  });

  it('reads F16 and BF16 tensors as Float32Array', () => {
    const bytes = file(
      { h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] }, b: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] } },
      [0x00, 0x3c, 0x00, 0xc0, 0x80, 0x3f, 0x40, 0xc0], // F16 1, −2; BF16 1, −3
    );
    const { tensors } = decodeSafetensors(bytes, 'x.safetensors');
    expect(Array.from(tensors.get('h')!.data)).toEqual([1, -2]);
    expect(Array.from(tensors.get('b')!.data)).toEqual([1, -3]);
  });
});

describe('invalid safetensors are E_BUNDLE_INVALID naming the file', () => {
  const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const good = file(ok, f32(1, 2));
  it.each<[string, Uint8Array, RegExp]>([
    ['too short', new Uint8Array(5), /fewer than the 8-byte header size/],
    ['truncated data', good.subarray(0, good.length - 4), /tensor "a" ends at byte 8 of the data but the data has only 4 bytes \(truncated file\?\)/],
    ['truncated header', good.subarray(0, 20), /header size \d+ exceeds the file \(20 bytes\)/],
    ['header not JSON', file(null, f32(1, 2), '{"a": {'), /header is not valid UTF-8 JSON/],
    ['header not an object', file([1], []), /header is not a JSON object/],
    ['unsupported dtype', file({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, f32(1, 2)), /tensor "a" has dtype "I64"; supported: F32, F16, BF16/],
    ['size mismatch', file({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(1, 2)), /needs 12 bytes but data_offsets span 8/],
    ['bad offsets', file({ a: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, f32(1, 2)), /invalid data_offsets \[8,0\]/],
    ['bad shape', file({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 8] } }, f32(1, 2)), /invalid shape \[-1\]/],
    ['overlap', file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(1, 2)), /starts at byte 4, expected 8 \(overlap/],
    ['hole', file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(1, 2)), /starts at byte 4, expected 0 \(hole/],
    ['trailing bytes', file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(1, 2)), /cover 4 bytes but the data has 8 bytes/],
  ])('%s', (_case, bytes, message) => {
    let error: unknown;
    try {
      decodeSafetensors(bytes, 'w.safetensors');
    } catch (e) {
      error = e;
    }
    expect(isAffnetError(error, 'E_BUNDLE_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/^w\.safetensors: safetensors: /);
    expect((error as Error).message).toMatch(message);
  });
});
