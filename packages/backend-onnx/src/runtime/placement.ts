/**
 * Which provider ran each node: ONNX Runtime's profiler records `args.provider` for every node
 * event. One profiled run at load time gives the placement (e.g. 120 nodes on WebGPU, 3 on CPU);
 * profiling then stops (endProfiling), so later runs pay nothing.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** "CPUExecutionProvider" → "cpu", "WebGpuExecutionProvider" → "webgpu" … */
export function providerShortName(name: string): string {
  return name.replace(/ExecutionProvider$/, '').toLowerCase();
}

export async function profileDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'affnet-onnx-profile-'));
}

/** Node counts per provider from the profile files in `dir`; removes `dir`. */
export async function readPlacement(dir: string): Promise<Record<string, number>> {
  try {
    const counts: Record<string, number> = {};
    for (const f of await readdir(dir)) {
      if (!f.endsWith('.json')) continue;
      const events = JSON.parse(await readFile(join(dir, f), 'utf8')) as { cat?: string; name?: string; args?: { provider?: string } }[];
      const seen = new Set<string>();
      for (const e of events) {
        if (e.cat !== 'Node' || !e.args?.provider || !e.name?.endsWith('_kernel_time')) continue;
        if (seen.has(e.name)) continue;
        seen.add(e.name);
        const p = providerShortName(e.args.provider);
        counts[p] = (counts[p] ?? 0) + 1;
      }
    }
    return counts;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
