/**
 * The decode thread (piscina worker): the manifests come once in `workerData`, each task is
 * {@link runTask}; results go back with their large buffers transferred, not copied.
 */
import { workerData } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import type { BundleManifest } from '@affnet/core';
import { runTask, type Task, type TaskResult } from './prepare-task.js';

const manifests = new Map<string, BundleManifest>(Object.entries((workerData as { manifests: Record<string, BundleManifest> }).manifests));

/** A result whose buffers piscina transfers (its Transferable protocol; handed back through `move`). */
class Moved {
  constructor(
    private readonly value: TaskResult,
    private readonly list: ArrayBufferLike[],
  ) {}
  get [transferableSymbol](): ArrayBufferLike[] {
    return this.list;
  }
  get [valueSymbol](): TaskResult {
    return this.value;
  }
}

/** A view that owns its whole buffer (a copy of one that does not, e.g. in Node's Buffer pool), so the buffer can move. */
function whole<T extends Float32Array | Uint8Array>(view: T): T {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? view : (view.slice() as T);
}

export default async function (task: Task): Promise<unknown> {
  const result = await runTask(task, manifests);
  if (!result.ok) return result;
  if ('input' in result) {
    result.input = whole(result.input);
    if (!result.image) return move(new Moved(result, [result.input.buffer]) as never);
    result.image.data = whole(result.image.data);
    return move(new Moved(result, [result.input.buffer, result.image.data.buffer]) as never);
  }
  result.bytes = whole(result.bytes);
  return move(new Moved(result, [result.bytes.buffer]) as never);
}
