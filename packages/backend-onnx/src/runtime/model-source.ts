/**
 * Where a session's model bytes come from: a given .onnx file, or an export of the bundle made on
 * the fly and cached — in memory per backend instance and on disk under `cacheDir`, keyed by
 * {@link exportCacheKey} (weights hash, options, exporter version).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AffnetError, type ModelBundle } from '@affnet/core';
import { exportCacheKey } from '../export/cache-key.js';
import { exportBundle, type ModelExportOptions, type Precision } from '../export/precision.js';
import { DataType, decodeModel } from '../proto/onnx.js';
import { readInt8Metadata, type QuantizeReport } from '../quantize/qdq.js';

export interface ModelSource {
  bytes: Uint8Array;
  /** The .onnx path, or `export:<key>` */
  source: string;
  /** 'file', 'memory', 'disk' or 'export' (freshly written). */
  origin: 'file' | 'memory' | 'disk' | 'export';
  precision: Precision;
  /** For int8 models: the quantisation record from the model's metadata (absent in models written by other tools). */
  int8?: Partial<QuantizeReport>;
}

/** The quantisation record of int8 model bytes (decodes the model: call only for int8). */
export function int8Record(bytes: Uint8Array): Partial<QuantizeReport> | undefined {
  return readInt8Metadata(decodeModel(bytes));
}

/** The source with its int8 record attached (int8 models only). */
export function withInt8(src: ModelSource): ModelSource {
  if (src.precision !== 'int8') return src;
  const int8 = int8Record(src.bytes);
  return int8 ? { ...src, int8 } : src;
}

/** Default on-disk export cache: `$TMPDIR/affnet-onnx-cache`. */
export function defaultCacheDir(): string {
  return join(tmpdir(), 'affnet-onnx-cache');
}

/** The precision of an ONNX model from its initializers: int8 if any is int8, fp16 if any is float16. */
export function detectPrecision(bytes: Uint8Array): Precision {
  const types = new Set((decodeModel(bytes).graph?.initializer ?? []).map((t) => t.dataType));
  return types.has(DataType.INT8) ? 'int8' : types.has(DataType.FLOAT16) ? 'fp16' : 'fp32';
}

export class ExportCache {
  private readonly memory = new Map<string, Uint8Array>();
  constructor(private readonly maxEntries = 2) {}

  async get(bundle: ModelBundle, options: ModelExportOptions, cacheDir: string | false): Promise<ModelSource> {
    const key = exportCacheKey(bundle, options);
    const precision = options.precision ?? 'fp32';
    const source = `export:${key}`;
    const hit = this.memory.get(key);
    if (hit) return withInt8({ bytes: hit, source, origin: 'memory', precision });
    const file = cacheDir === false ? undefined : join(cacheDir, `${bundle.manifest.architecture}-${precision}-${key}.onnx`);
    if (file) {
      try {
        const bytes = new Uint8Array(await readFile(file));
        this.remember(key, bytes);
        return withInt8({ bytes, source: file, origin: 'disk', precision });
      } catch {
        // not cached yet
      }
    }
    const { bytes, quantization } = await exportBundle(bundle, options);
    this.remember(key, bytes);
    if (file && cacheDir !== false) {
      try {
        await mkdir(cacheDir, { recursive: true });
        const tmp = `${file}.tmp-${process.pid}`;
        await writeFile(tmp, bytes);
        await rename(tmp, file);
      } catch (e) {
        throw new AffnetError('E_IO', `cannot write the ONNX export cache (set cacheDir, or false to keep it in memory): ${(e as Error).message}`, { file, cause: e });
      }
    }
    return { bytes, source: file ?? source, origin: 'export', precision, ...(quantization ? { int8: quantization } : {}) };
  }

  private remember(key: string, bytes: Uint8Array): void {
    this.memory.delete(key);
    this.memory.set(key, bytes);
    while (this.memory.size > this.maxEntries) this.memory.delete(this.memory.keys().next().value!);
  }
}

export async function readModelFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AffnetError(code === 'ENOENT' ? 'E_FILE_NOT_FOUND' : 'E_IO', `cannot read the ONNX model (modelPath): ${(e as Error).message}`, { file: path, cause: e });
  }
}
