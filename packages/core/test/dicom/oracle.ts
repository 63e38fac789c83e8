/**
 * The reference tools the DICOM tests compare against: Debian's dcmtk (dcmdjpeg, dcmdjpls, dcmdrle,
 * dcmconv, dcmcjpeg, dcmcjpls, dcmcrle, dcm2pnm), gdcm (gdcmconv) and OpenJPEG (opj_decompress).
 * A missing tool skips with a printed reason locally and fails in CI (CI=true), like missing data.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSet } from 'dicom-parser';
import { dicomParser } from '../../src/dicom/parse.js';

export const TOOLS = ['dcmdjpeg', 'dcmdjpls', 'dcmdrle', 'dcmconv', 'dcmcjpeg', 'dcmcjpls', 'dcmcrle', 'dcm2pnm', 'gdcmconv', 'opj_decompress'] as const;

function has(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Reason to skip when a tool is missing; throws in CI. */
export function requireTools(tools: readonly string[] = TOOLS): string | undefined {
  const missing = tools.filter((t) => !has(t));
  if (missing.length === 0) return undefined;
  const reason = `oracle tools missing: ${missing.join(', ')} (apt-get install dcmtk libgdcm-tools libopenjp2-tools)`;
  if (process.env.CI === 'true') throw new Error(`CI run without required tools: ${reason}`);
  console.log(`skipping: ${reason}`);
  return reason;
}

export function tempDir(): { dir: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'affnet-dicom-'));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

export function run(tool: string, args: string[]): void {
  execFileSync(tool, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
}

/** Decompresses with the tool that matches the syntax, to Explicit VR Little Endian. */
export function decompress(file: string, codec: string, out: string): string {
  if (codec === 'jpeg-baseline' || codec === 'jpeg-extended' || codec === 'jpeg-lossless') run('dcmdjpeg', [file, out]);
  else if (codec === 'jpeg-ls') run('dcmdjpls', [file, out]);
  else if (codec === 'rle') run('dcmdrle', [file, out]);
  else if (codec === 'jpeg-2000') run('gdcmconv', ['--raw', file, out]);
  else run('dcmconv', ['+te', file, out]);
  return out;
}

export function parse(file: string): DataSet {
  return dicomParser.parseDicom(new Uint8Array(readFileSync(file)));
}

/**
 * Stored values of every frame of an uncompressed little-endian file, read independently of
 * src/dicom: bits masked to Bits Stored and sign-extended, as PS3.5 §8.1.1 says.
 */
export function oracleStored(file: string): Int32Array[] {
  const ds = parse(file);
  const rows = ds.uint16('x00280010')!;
  const cols = ds.uint16('x00280011')!;
  const alloc = ds.uint16('x00280100')!;
  const bits = ds.uint16('x00280101')!;
  const high = ds.uint16('x00280102') ?? bits - 1;
  const signed = ds.uint16('x00280103') === 1;
  const frames = ds.intString('x00280008') ?? 1;
  const el = ds.elements.x7fe00010!;
  const view = new DataView(ds.byteArray.buffer, ds.byteArray.byteOffset + el.dataOffset, el.length);
  const n = rows * cols;
  const out: Int32Array[] = [];
  for (let f = 0; f < frames; f++) {
    const a = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const raw = alloc === 8 ? view.getUint8(f * n + i) : view.getUint16(2 * (f * n + i), true);
      let v = (raw >> (high + 1 - bits)) & ((1 << bits) - 1);
      if (signed && v >= 1 << (bits - 1)) v -= 1 << bits;
      a[i] = v;
    }
    out.push(a);
  }
  return out;
}

/** Reads a PGM (P2 ASCII or P5 binary, 8 or 16 bit) as written by dcm2pnm (+opw) or opj_decompress. */
export function readPgm(file: string): { width: number; height: number; max: number; data: Uint32Array } {
  const b = readFileSync(file);
  const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
  let p = 0;
  const token = (): string => {
    for (;;) {
      while (isSpace(b[p]!)) p++;
      if (b[p] !== 0x23) break;
      while (b[p] !== 0x0a) p++;
    }
    let t = '';
    while (p < b.length && !isSpace(b[p]!)) t += String.fromCharCode(b[p++]!);
    return t;
  };
  const magic = token();
  const width = Number(token());
  const height = Number(token());
  const max = Number(token());
  const data = new Uint32Array(width * height);
  if (magic === 'P2') {
    for (let i = 0; i < data.length; i++) data[i] = Number(token());
  } else {
    p++;
    for (let i = 0; i < data.length; i++) data[i] = max > 255 ? b.readUInt16BE(p + 2 * i) : b[p + i]!;
  }
  return { width, height, max, data };
}

/** Largest absolute difference and the count of differing samples. */
export function compare(a: ArrayLike<number>, b: ArrayLike<number>): { maxDiff: number; differing: number } {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let maxDiff = 0;
  let differing = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > 0) differing++;
    if (d > maxDiff) maxDiff = d;
  }
  return { maxDiff, differing };
}
