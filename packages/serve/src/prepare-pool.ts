/**
 * Decoding and preprocessing off the event loop: a piscina pool of worker threads running
 * {@link runTask}, so a slow DICOM decode never stalls other requests. `threads: 0` runs the same
 * code in the caller's thread (a command-line run, a host that manages its own threads).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { AffnetError, type BundleManifest } from '@affnet/core';
import { runTask, type OverlayOk, type OverlayTask, type PrepareOk, type PrepareTask, type Task, type TaskFailure, type TaskResult } from './prepare-task.js';

/** A failure that crossed the thread boundary as data, as an error again. */
export class TaskError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly file?: string,
  ) {
    super(message);
    this.name = 'TaskError';
  }
}

function raise(f: TaskFailure): never {
  throw new TaskError(f.code, f.message, f.file);
}

/**
 * The compiled worker: next to this module in the build; from the TypeScript sources (tests) the
 * package's own build (tests run after `build`).
 */
export function workerScript(): string | undefined {
  for (const rel of ['./prepare-worker.js', '../dist/prepare-worker.js']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}

export interface PreparePool {
  readonly threads: number;
  prepare(task: Omit<PrepareTask, 'kind'>): Promise<PrepareOk>;
  overlay(task: Omit<OverlayTask, 'kind'>): Promise<OverlayOk>;
  /** Tasks waiting for a thread. */
  readonly queued: number;
  close(): Promise<void>;
}

/** Bytes to hand to a thread: transferred when they own their whole buffer, else copied once. */
function own(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && !(bytes.buffer instanceof SharedArrayBuffer) ? bytes : bytes.slice();
}

/**
 * @param manifests - model name → its bundle manifest (preprocessing and aligner travel once, not per task)
 * @param threads - decode threads; 0 runs tasks in this thread
 */
export function createPreparePool(manifests: ReadonlyMap<string, BundleManifest>, threads: number): PreparePool {
  if (!Number.isInteger(threads) || threads < 0) throw new AffnetError('E_OPTION_INVALID', `decode threads: ${threads}; valid: an integer ≥ 0`);
  const script = threads > 0 ? workerScript() : undefined;
  if (threads > 0 && !script) throw new AffnetError('E_OPTION_INVALID', 'the decode worker (dist/prepare-worker.js) is not built: build @affnet/serve, or use 0 decode threads');
  if (!script) {
    let queued = 0;
    const run = async (task: Task): Promise<TaskResult> => {
      queued++;
      try {
        return await runTask(task, manifests);
      } finally {
        queued--;
      }
    };
    return {
      threads: 0,
      get queued() {
        return queued;
      },
      async prepare(task) {
        const r = await run({ kind: 'prepare', ...task });
        return r.ok ? (r as PrepareOk) : raise(r);
      },
      async overlay(task) {
        const r = await run({ kind: 'overlay', ...task });
        return r.ok ? (r as OverlayOk) : raise(r);
      },
      async close() {},
    };
  }
  const pool = new Piscina({ filename: script, minThreads: threads, maxThreads: threads, workerData: { manifests: Object.fromEntries(manifests) }, idleTimeout: 2 ** 31 - 1 });
  return {
    threads,
    get queued() {
      return pool.queueSize;
    },
    async prepare(task) {
      const bytes = own(task.bytes);
      const r = (await pool.run({ kind: 'prepare', ...task, bytes }, { transferList: [bytes.buffer as ArrayBuffer] })) as TaskResult;
      return r.ok ? (r as PrepareOk) : raise(r);
    },
    async overlay(task) {
      const data = own(new Uint8Array(task.image.data.buffer, task.image.data.byteOffset, task.image.data.byteLength));
      const image = { ...task.image, data: new Float32Array(data.buffer, data.byteOffset, task.image.data.length) };
      const r = (await pool.run({ kind: 'overlay', ...task, image }, { transferList: [data.buffer as ArrayBuffer] })) as TaskResult;
      return r.ok ? (r as OverlayOk) : raise(r);
    },
    async close() {
      await pool.destroy();
    },
  };
}
