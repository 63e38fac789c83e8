/**
 * The safetensors format (https://github.com/huggingface/safetensors, "Format" section), written by
 * hand because it is tiny:
 *
 *   8 bytes  unsigned little-endian 64-bit N, the header size
 *   N bytes  UTF-8 JSON: { "__metadata__"?: {string: string}, name: { dtype, shape, data_offsets: [begin, end] } }
 *            (may be padded with spaces)
 *   rest     the byte buffer; offsets are relative to its start, tensors are little-endian, row-major,
 *            and together cover the buffer without holes or overlaps.
 *
 * Reading accepts F32, F16 and BF16 (converted to Float32Array) and validates every offset; writing
 * produces F32, with the header padded to a multiple of 8 bytes so each tensor is 4-byte aligned.
 * Errors are E_BUNDLE_INVALID naming the file.
 */
import { readFile } from 'node:fs/promises';
import { AffnetError } from '../errors.js';

export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}

export type WeightMap = Map<string, WeightTensor>;

export interface SafetensorsContent {
  tensors: WeightMap;
  metadata: Record<string, string>;
}

/** Bytes per element of the dtypes this reader accepts. */
const DTYPE_SIZE = { F32: 4, F16: 2, BF16: 2 } as const;
type Dtype = keyof typeof DTYPE_SIZE;

/** The reference implementation refuses headers above 100 MB (safetensors `MAX_HEADER_SIZE`). */
const MAX_HEADER_BYTES = 100_000_000;

function invalid(file: string, message: string, cause?: unknown): AffnetError {
  return new AffnetError('E_BUNDLE_INVALID', `safetensors: ${message}`, { file, cause });
}

function numel(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** IEEE 754 half precision → single. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Whether typed arrays on this machine are little-endian (then F32 data is copied as bytes). */
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function decodeData(bytes: Uint8Array, dtype: Dtype, count: number): Float32Array {
  // Copy into a fresh buffer (a Node Buffer's `slice` is a view of a pooled buffer, and offsets may be unaligned).
  if (dtype === 'F32' && HOST_LITTLE_ENDIAN) return new Float32Array(new Uint8Array(bytes).buffer, 0, count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  if (dtype === 'F32') {
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  } else if (dtype === 'F16') {
    for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
  } else {
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) bits[i] = view.getUint16(i * 2, true) << 16;
  }
  return out;
}

interface Entry {
  name: string;
  dtype: Dtype;
  shape: number[];
  begin: number;
  end: number;
}

function parseEntry(file: string, name: string, value: unknown, dataLength: number): Entry {
  const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof v !== 'object' || v === null) throw invalid(file, `tensor "${name}" has no description`);
  if (typeof v.dtype !== 'string' || !(v.dtype in DTYPE_SIZE)) {
    throw invalid(file, `tensor "${name}" has dtype ${JSON.stringify(v.dtype)}; supported: ${Object.keys(DTYPE_SIZE).join(', ')}`);
  }
  const shape = v.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw invalid(file, `tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`);
  }
  const off = v.data_offsets;
  if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isInteger(o) && o >= 0) || off[0] > off[1]) {
    throw invalid(file, `tensor "${name}" has invalid data_offsets ${JSON.stringify(off)}`);
  }
  const dtype = v.dtype as Dtype;
  const [begin, end] = off as [number, number];
  if (end > dataLength) {
    throw invalid(file, `tensor "${name}" ends at byte ${end} of the data but the data has only ${dataLength} bytes (truncated file?)`);
  }
  const expected = numel(shape as number[]) * DTYPE_SIZE[dtype];
  if (end - begin !== expected) {
    throw invalid(file, `tensor "${name}" (${dtype} [${(shape as number[]).join(', ')}]) needs ${expected} bytes but data_offsets span ${end - begin}`);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/**
 * Decodes a safetensors file held in memory.
 * @param file - the file name, for error messages
 */
export function decodeSafetensors(bytes: Uint8Array, file = '<memory>'): SafetensorsContent {
  if (bytes.byteLength < 8) throw invalid(file, `file has ${bytes.byteLength} bytes, fewer than the 8-byte header size`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = view.getBigUint64(0, true);
  if (headerSize > BigInt(Math.min(MAX_HEADER_BYTES, bytes.byteLength - 8))) {
    throw invalid(file, `header size ${headerSize} exceeds the file (${bytes.byteLength} bytes) or the 100 MB limit`);
  }
  const n = Number(headerSize);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw invalid(file, `header is not valid UTF-8 JSON (${(e as Error).message})`, e);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw invalid(file, 'header is not a JSON object');
  const data = bytes.subarray(8 + n);
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      for (const [k, m] of Object.entries((value ?? {}) as Record<string, unknown>)) {
        if (typeof m !== 'string') throw invalid(file, `__metadata__.${k} is not a string`);
        metadata[k] = m;
      }
      continue;
    }
    entries.push(parseEntry(file, name, value, data.byteLength));
  }
  // No holes and no overlaps: sorted by begin, each tensor starts where the previous one ended.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of sorted) {
    if (e.begin !== cursor) {
      throw invalid(file, `tensor "${e.name}" starts at byte ${e.begin}, expected ${cursor} (${e.begin < cursor ? 'overlap' : 'hole'} in the data)`);
    }
    cursor = e.end;
  }
  if (cursor !== data.byteLength) {
    throw invalid(file, `the tensors cover ${cursor} bytes but the data has ${data.byteLength} bytes`);
  }
  const tensors: WeightMap = new Map();
  for (const e of entries) {
    tensors.set(e.name, { shape: e.shape, data: decodeData(data.subarray(e.begin, e.end), e.dtype, numel(e.shape)) });
  }
  return { tensors, metadata };
}

/**
 * Encodes tensors as F32 safetensors, in the map's order.
 * @throws AffnetError E_BUNDLE_INVALID when a tensor's data length does not match its shape
 */
export function encodeSafetensors(tensors: WeightMap, metadata: Record<string, string> = {}, file = '<memory>'): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    if (t.data.length !== numel(t.shape)) {
      throw invalid(file, `tensor "${name}" has ${t.data.length} values but shape [${t.shape.join(', ')}] needs ${numel(t.shape)}`);
    }
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.length * 4] };
    offset += t.data.length * 4;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  if (padded !== json.byteLength) {
    const p = new Uint8Array(padded).fill(0x20); // spaces, as the reference writer pads
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.byteLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  let pos = 8 + json.byteLength;
  for (const t of tensors.values()) {
    if (HOST_LITTLE_ENDIAN) {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
      pos += t.data.byteLength;
    } else {
      for (let i = 0; i < t.data.length; i++, pos += 4) view.setFloat32(pos, t.data[i]!, true);
    }
  }
  return out;
}

/** Reads and validates a safetensors file. */
export async function readSafetensors(path: string): Promise<SafetensorsContent> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'E_FILE_NOT_FOUND' : 'E_IO';
    throw new AffnetError(code, `cannot read safetensors file (${(e as Error).message})`, { file: path, cause: e });
  }
  return decodeSafetensors(bytes, path);
}
