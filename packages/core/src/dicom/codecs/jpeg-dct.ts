/**
 * Sequential-DCT Huffman JPEG (ITU-T T.81 processes 1, 2 and 4: baseline and extended, 8- and 12-bit),
 * single component. No maintained npm codec decodes 12-bit JPEG (the Cornerstone libjpeg-turbo build is
 * 8-bit only), so DICOM's JPEG Extended syntax (1.2.840.10008.1.2.4.51) is decoded here, with libjpeg's
 * islow IDCT (see jpeg-idct.ts). Anything this decoder does not handle (progressive, arithmetic coding,
 * colour) is a typed error; a corrupt entropy-coded segment is an error, never a silently damaged image.
 */
import { AffnetError } from '../../errors.js';
import type { DecodedFrame } from './decoded.js';
import { idctIslow } from './jpeg-idct.js';

/** Zig-zag to natural order (T.81 Figure A.6), padded with 63s like libjpeg's jpeg_natural_order. */
const NATURAL = [
  0,
  1,
  8,
  16,
  9,
  2,
  3,
  10,
  17,
  24,
  32,
  25,
  18,
  11,
  4,
  5,
  12,
  19,
  26,
  33,
  40,
  48,
  41,
  34,
  27,
  20,
  13,
  6,
  7,
  14,
  21,
  28,
  35,
  42,
  49,
  56,
  57,
  50,
  43,
  36,
  29,
  22,
  15,
  23,
  30,
  37,
  44,
  51,
  58,
  59,
  52,
  45,
  38,
  31,
  39,
  46,
  53,
  60,
  61,
  54,
  47,
  55,
  62,
  63,
  ...new Array<number>(16).fill(63),
];

interface Huffman {
  maxcode: Int32Array;
  valptr: Int32Array;
  mincode: Int32Array;
  values: Uint8Array;
}

function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const maxcode = new Int32Array(18).fill(-1);
  const valptr = new Int32Array(17);
  const mincode = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let l = 1; l <= 16; l++) {
    const n = counts[l - 1]!;
    if (n > 0) {
      valptr[l] = k;
      mincode[l] = code;
      code += n;
      k += n;
      maxcode[l] = code - 1;
    }
    code <<= 1;
  }
  maxcode[17] = 0x7fffffff;
  return { maxcode, valptr, mincode, values };
}

class BitReader {
  pos: number;
  private acc = 0;
  private bits = 0;
  /** Bits read past the end of the entropy-coded data (libjpeg pads them with zeros and warns). */
  overrun = 0;
  constructor(
    private readonly data: Uint8Array,
    start: number,
  ) {
    this.pos = start;
  }
  bit(): number {
    if (this.bits === 0) {
      const b = this.data[this.pos];
      if (b === undefined || (b === 0xff && this.data[this.pos + 1] !== 0x00)) {
        this.overrun++;
        return 0; // at a marker or the end: zeros, as libjpeg's fill_bit_buffer does
      }
      this.pos += b === 0xff ? 2 : 1;
      this.acc = b;
      this.bits = 8;
    }
    this.bits--;
    return (this.acc >> this.bits) & 1;
  }
  receive(s: number): number {
    let v = 0;
    for (let i = 0; i < s; i++) v = (v << 1) | this.bit();
    return v;
  }
  decode(h: Huffman): number {
    let code = this.bit();
    let l = 1;
    while (code > h.maxcode[l]!) {
      code = (code << 1) | this.bit();
      if (++l > 16) return -1;
    }
    return h.values[h.valptr[l]! + code - h.mincode[l]!] ?? -1;
  }
  /** Restart: drop buffered bits and expect RSTn at the byte position. */
  restart(): boolean {
    this.bits = 0;
    const ok = this.data[this.pos] === 0xff && (this.data[this.pos + 1]! & 0xf8) === 0xd0;
    if (ok) this.pos += 2;
    return ok;
  }
}

function extend(v: number, s: number): number {
  return s > 0 && v < 1 << (s - 1) ? v + (-1 << s) + 1 : v;
}

/** Decodes a single-component sequential Huffman JPEG of precision 8 or 12. */
export function decodeJpegDct(data: Uint8Array, file: string, expected?: { width: number; height: number }): DecodedFrame {
  const fail = (m: string, code: 'E_DICOM_PIXEL_DATA' | 'E_IMAGE_UNSUPPORTED' = 'E_DICOM_PIXEL_DATA') => new AffnetError(code, `JPEG: ${m}`, { file });
  if (data[0] !== 0xff || data[1] !== 0xd8) throw fail('no start-of-image marker (FFD8)');
  const quant: Array<Float64Array | undefined> = [];
  const dc: Array<Huffman | undefined> = [];
  const ac: Array<Huffman | undefined> = [];
  let restartInterval = 0;
  let frame: { precision: 8 | 12; width: number; height: number; tq: number } | undefined;
  let p = 2;
  const u16 = (at: number) => {
    if (at + 1 >= data.length) throw fail('truncated marker segment');
    return (data[at]! << 8) | data[at + 1]!;
  };
  for (;;) {
    if (p + 4 > data.length) throw fail('ends before the start-of-scan marker');
    if (data[p] !== 0xff) throw fail(`expected a marker at byte ${p}`);
    const marker = data[p + 1]!;
    if (marker === 0xff) {
      p++;
      continue;
    }
    const len = u16(p + 2);
    const seg = p + 4;
    const end = p + 2 + len;
    if (len < 2 || end > data.length) throw fail(`marker FF${marker.toString(16).toUpperCase()} segment runs past the end`);
    if (marker === 0xdb) {
      for (let q = seg; q < end; ) {
        const pq = data[q]! >> 4;
        const tq = data[q]! & 15;
        const table = new Float64Array(64);
        for (let i = 0; i < 64; i++) table[NATURAL[i]!] = pq ? u16(q + 1 + 2 * i) : data[q + 1 + i]!;
        quant[tq] = table;
        q += 1 + 64 * (pq ? 2 : 1);
      }
    } else if (marker === 0xc4) {
      for (let q = seg; q < end; ) {
        const tc = data[q]! >> 4;
        const th = data[q]! & 15;
        const counts = data.subarray(q + 1, q + 17);
        const total = counts.reduce((a, b) => a + b, 0);
        const table = buildHuffman(counts, data.slice(q + 17, q + 17 + total));
        (tc === 0 ? dc : ac)[th] = table;
        q += 17 + total;
      }
    } else if (marker === 0xdd) {
      restartInterval = u16(seg);
    } else if (marker === 0xc0 || marker === 0xc1) {
      const precision = data[seg]!;
      if (precision !== 8 && precision !== 12) throw fail(`sample precision ${precision}; valid: 8, 12`);
      const components = data[seg + 5]!;
      if (components !== 1) throw fail(`${components} components; only single-component (grey) DCT JPEG is decoded here`, 'E_IMAGE_UNSUPPORTED');
      frame = { precision, height: u16(seg + 1), width: u16(seg + 3), tq: data[seg + 8]! };
      if (frame.width === 0 || frame.height === 0) throw fail('frame header has a zero dimension (DNL is not supported)', 'E_IMAGE_UNSUPPORTED');
      if (expected && (frame.width !== expected.width || frame.height !== expected.height)) {
        throw fail(`codestream is ${frame.width}x${frame.height} but the header says ${expected.width}x${expected.height}`);
      }
    } else if ((marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xcc) {
      throw fail(`frame type FF${marker.toString(16).toUpperCase()} (progressive, lossless or arithmetic) is not sequential Huffman DCT`, 'E_IMAGE_UNSUPPORTED');
    } else if (marker === 0xda) {
      if (!frame) throw fail('start of scan before the frame header');
      const td = data[seg + 2]! >> 4;
      const ta = data[seg + 2]! & 15;
      const q = quant[frame.tq];
      const hdc = dc[td];
      const hac = ac[ta];
      if (!q || !hdc || !hac) throw fail('scan refers to a missing quantisation or Huffman table');
      return decodeScan(data, end, frame, q, hdc, hac, restartInterval, fail);
    }
    p = end;
  }
}

function decodeScan(
  data: Uint8Array,
  start: number,
  frame: { precision: 8 | 12; width: number; height: number },
  q: Float64Array,
  hdc: Huffman,
  hac: Huffman,
  restartInterval: number,
  fail: (m: string) => AffnetError,
): DecodedFrame {
  const { width, height, precision } = frame;
  const out = new Uint16Array(width * height);
  const coef = new Int16Array(64); // libjpeg's JCOEF is 16-bit: wrap like it
  const block = new Float64Array(64);
  const ws = new Float64Array(64);
  const bx = Math.ceil(width / 8);
  const by = Math.ceil(height / 8);
  const reader = new BitReader(data, start);
  let pred = 0;
  for (let m = 0; m < bx * by; m++) {
    if (restartInterval > 0 && m > 0 && m % restartInterval === 0) {
      if (!reader.restart()) throw fail(`missing restart marker before block ${m}`);
      pred = 0;
    }
    coef.fill(0);
    const t = reader.decode(hdc);
    if (t < 0 || t > 16) throw fail(`bad Huffman code in block ${m}`);
    pred = (pred + extend(reader.receive(t), t)) | 0;
    coef[0] = pred;
    for (let k = 1; k < 64; k++) {
      const rs = reader.decode(hac);
      if (rs < 0) throw fail(`bad Huffman code in block ${m}`);
      const r = rs >> 4;
      const s = rs & 15;
      if (s === 0) {
        if (r !== 15) break;
        k += 15;
        continue;
      }
      k += r;
      coef[NATURAL[k]!] = extend(reader.receive(s), s);
    }
    if (reader.overrun > 0) throw fail(`entropy-coded data ends early (in block ${m} of ${bx * by})`);
    for (let i = 0; i < 64; i++) block[i] = coef[i]! * q[i]!;
    const x = (m % bx) * 8;
    const y = Math.floor(m / bx) * 8;
    idctIslow(block, ws, precision, out, y * width + x, width, width - x, height - y);
  }
  return { width, height, components: 1, bitsPerSample: precision, samples: out };
}
