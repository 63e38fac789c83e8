/**
 * The WebAssembly codecs from the Cornerstone project (CharLS for JPEG-LS, OpenJPEG for JPEG 2000,
 * libjpeg-turbo for 8-bit JPEG), loaded lazily once per process. A codec that aborts on a broken
 * codestream leaves its instance unusable, so the instance is dropped and rebuilt on the next call.
 */
import { createRequire } from 'node:module';
import { AffnetError } from '../../errors.js';
import type { DecodedFrame } from './decoded.js';

const require = createRequire(import.meta.url);

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}
interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  delete(): void;
}
type WasmModule = Record<string, new () => WasmDecoder>;

export type WasmCodecName = 'charls' | 'openjpeg' | 'libjpeg-turbo';

const SPECS: Record<WasmCodecName, { pkg: string; cls: string }> = {
  charls: { pkg: '@cornerstonejs/codec-charls/decodewasmjs', cls: 'JpegLSDecoder' },
  openjpeg: { pkg: '@cornerstonejs/codec-openjpeg/decodewasmjs', cls: 'J2KDecoder' },
  'libjpeg-turbo': { pkg: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', cls: 'JPEGDecoder' },
};

const modules = new Map<WasmCodecName, Promise<WasmModule>>();

function load(name: WasmCodecName): Promise<WasmModule> {
  let m = modules.get(name);
  if (!m) {
    const factory = require(SPECS[name].pkg) as (opts?: object) => Promise<WasmModule>;
    // Silence the codecs' own stdout/stderr chatter; failures surface as exceptions instead.
    m = factory({ print: () => {}, printErr: () => {} });
    modules.set(name, m);
  }
  return m;
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'number') return `native exception ${e}`;
  return String(e);
}

/** Decodes one codestream; any codec failure is `E_DICOM_PIXEL_DATA` naming the file and codec. */
export async function decodeWithWasm(name: WasmCodecName, data: Uint8Array, file: string): Promise<DecodedFrame> {
  const mod = await load(name);
  let decoder: WasmDecoder | undefined;
  try {
    decoder = new mod[SPECS[name].cls]!();
    decoder.getEncodedBuffer(data.length).set(data);
    decoder.decode();
    const info = decoder.getFrameInfo();
    if (name === 'openjpeg' && info.isSigned && info.bitsPerSample <= 8) {
      // This OpenJPEG build writes 8-bit samples through an unsigned byte buffer, clamping negatives
      // to 0: refuse rather than return a wrong image.
      throw new AffnetError('E_IMAGE_UNSUPPORTED', 'JPEG 2000 with signed samples of 8 bits or fewer is not supported by the OpenJPEG build', {
        file,
      });
    }
    const raw = decoder.getDecodedBuffer();
    const bytesPerSample = info.bitsPerSample <= 8 ? 1 : 2;
    const count = info.width * info.height * info.componentCount;
    if (raw.byteLength < count * bytesPerSample) throw new Error(`codec returned ${raw.byteLength} bytes for ${count} samples`);
    // Copy out of the WebAssembly heap: the view dies with the decoder.
    const bytes = raw.slice(0, count * bytesPerSample);
    const samples = bytesPerSample === 1 ? bytes : info.isSigned ? new Int16Array(bytes.buffer, 0, count) : new Uint16Array(bytes.buffer, 0, count);
    return {
      width: info.width,
      height: info.height,
      components: info.componentCount,
      bitsPerSample: info.bitsPerSample,
      colourTransformed: name === 'libjpeg-turbo',
      samples,
    };
  } catch (e) {
    if (e instanceof AffnetError) throw e;
    if ((e instanceof Error && e.name === 'RuntimeError') || /abort/i.test(describe(e))) modules.delete(name);
    throw new AffnetError('E_DICOM_PIXEL_DATA', `${name} cannot decode the pixel data (${describe(e)})`, { file, cause: e });
  } finally {
    try {
      decoder?.delete();
    } catch {
      modules.delete(name);
    }
  }
}
