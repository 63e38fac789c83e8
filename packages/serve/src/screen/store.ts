/**
 * A screening run's results folder, shared by every worker: exactly one file per image, keyed by the
 * image's id (its content hash, or its SOP Instance UID), written atomically (temporary file, fsync,
 * rename), so a retried or duplicated job rewrites the same file instead of adding one, and a worker
 * killed mid-write leaves no half file. `DIR/results/ab/abcdef….json`, CAM thumbnails in
 * `DIR/cam/abcdef….png`.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** What a worker writes for one image. */
export interface ScreenRecord {
  id: string;
  /** The file it was read from, or the DICOMweb instance. */
  source: { path: string } | { study: string; series: string; sop: string };
  status: 'classified' | 'failed';
  label?: string;
  probability?: number;
  positiveLabel?: string;
  runtime?: string;
  /** The CAM thumbnail, relative to the results folder (images at or above the run's CAM threshold). */
  cam?: string;
  warnings?: unknown[];
  error?: { code: string; message: string };
  /** hostname:pid of the worker that wrote it. */
  worker: string;
  attempts: number;
  /** ms: decode, preprocess, queue, forward, total (classified images). */
  timings?: Record<string, number>;
  finishedAt: string;
}

const ID = /^[A-Za-z0-9._-]{8,128}$/;

export class ResultStore {
  constructor(readonly dir: string) {}

  private checkId(id: string): void {
    if (!ID.test(id)) throw new TypeError(`result id "${id.slice(0, 40)}" is not a valid image id`);
  }

  path(id: string): string {
    this.checkId(id);
    return join(this.dir, 'results', id.slice(0, 2), `${id}.json`);
  }

  camPath(id: string): string {
    this.checkId(id);
    return join(this.dir, 'cam', `${id}.png`);
  }

  has(id: string): boolean {
    return existsSync(this.path(id));
  }

  read(id: string): ScreenRecord | undefined {
    try {
      return JSON.parse(readFileSync(this.path(id), 'utf8')) as ScreenRecord;
    } catch {
      return undefined;
    }
  }

  /** Write `bytes` to `file` atomically (a unique temporary name, fsync, rename). */
  static atomic(file: string, bytes: Uint8Array | string): void {
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  }

  write(record: ScreenRecord): void {
    const file = this.path(record.id);
    mkdirSync(join(file, '..'), { recursive: true });
    ResultStore.atomic(file, `${JSON.stringify(record)}\n`);
  }

  writeCam(id: string, png: Uint8Array): string {
    const file = this.camPath(id);
    mkdirSync(join(this.dir, 'cam'), { recursive: true });
    ResultStore.atomic(file, png);
    return join('cam', `${id}.png`);
  }

  /** Every record in the folder (unreadable files are skipped: a temporary one mid-rename). */
  *records(): Generator<ScreenRecord> {
    const root = join(this.dir, 'results');
    if (!existsSync(root)) return;
    for (const sub of readdirSync(root)) {
      for (const f of readdirSync(join(root, sub))) {
        if (!f.endsWith('.json')) continue;
        try {
          yield JSON.parse(readFileSync(join(root, sub, f), 'utf8')) as ScreenRecord;
        } catch {
          // a file being renamed into place
        }
      }
    }
  }

  /** Ids that have a record. */
  ids(): Set<string> {
    const out = new Set<string>();
    const root = join(this.dir, 'results');
    if (!existsSync(root)) return out;
    for (const sub of readdirSync(root)) for (const f of readdirSync(join(root, sub))) if (f.endsWith('.json')) out.add(f.slice(0, -5));
    return out;
  }
}
