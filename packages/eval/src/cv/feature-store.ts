/**
 * A {@link FeatureCache} kept on disk, so pooled trunk features survive the process: a second `cv`
 * or `train` on the same images, trunk and preprocessing (another head setting, another seed of
 * the head) skips every trunk pass. One file per entry, named by the SHA-256 of its key (the key
 * holds a hash of the trunk's weights, the preprocessing and the file name — never image content or
 * patient data) and holding the key itself, so a hash collision or a foreign file is detected,
 * not used. Writes are atomic (temporary file + rename).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AffnetError, createFeatureCache, type FeatureCache } from '@affnet/core';

const MAGIC = 'affnet-features-1';

export interface DiskFeatureCache extends FeatureCache {
  readonly dir: string;
  hits: number;
  misses: number;
  writes: number;
}

export function createDiskFeatureCache(dir: string): DiskFeatureCache {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new AffnetError('E_IO', `cannot create the feature cache folder (${(e as Error).message})`, { file: dir, cause: e });
  }
  const memory = createFeatureCache();
  const fileOf = (key: string) => {
    const h = createHash('sha256').update(key).digest('hex');
    return join(dir, h.slice(0, 2), `${h.slice(2, 40)}.f32`);
  };
  return {
    dir,
    hits: 0,
    misses: 0,
    writes: 0,
    get(key) {
      const inMemory = memory.get(key);
      if (inMemory) {
        this.hits++;
        return inMemory;
      }
      let bytes: Buffer;
      try {
        bytes = readFileSync(fileOf(key));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw new AffnetError('E_IO', `cannot read the feature cache (${(e as Error).message})`, { file: fileOf(key), cause: e });
        }
        this.misses++;
        return undefined;
      }
      const header = `${MAGIC}\n${key}\n`;
      const headerBytes = Buffer.byteLength(header);
      // A file whose header is not this key (collision, truncation, foreign file) is a miss: recomputed and rewritten.
      if (bytes.length < headerBytes + 4 || bytes.subarray(0, headerBytes).toString('utf8') !== header || (bytes.length - headerBytes) % 4 !== 0) {
        this.misses++;
        return undefined;
      }
      const body = bytes.subarray(headerBytes);
      const values = new Float32Array(body.length / 4);
      Buffer.from(values.buffer).set(body);
      memory.set(key, values);
      this.hits++;
      return values;
    },
    set(key, features) {
      memory.set(key, features);
      const file = fileOf(key);
      const tmp = `${file}.tmp-${process.pid}`;
      try {
        mkdirSync(join(file, '..'), { recursive: true });
        writeFileSync(tmp, Buffer.concat([Buffer.from(`${MAGIC}\n${key}\n`), Buffer.from(features.buffer, features.byteOffset, features.byteLength)]));
        renameSync(tmp, file);
        this.writes++;
      } catch (e) {
        throw new AffnetError('E_IO', `cannot write to the feature cache (${(e as Error).message})`, { file: dir, cause: e });
      }
    },
  };
}
