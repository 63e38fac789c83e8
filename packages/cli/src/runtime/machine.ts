/** The machine and its load while measuring, for the comparison's notes: CPU and ISA, cores, memory, GPU, versions. */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { cpuIsa, describeIsa, gpuAbsentReason } from '@affnet/core';

/** The NVIDIA driver version from /proc/driver/nvidia/version, when the driver is loaded. */
function nvidiaDriver(): string | undefined {
  const f = '/proc/driver/nvidia/version';
  if (!existsSync(f)) return undefined;
  return /Kernel Module\s+([\d.]+)/.exec(readFileSync(f, 'utf8'))?.[1];
}

/**
 * @param runtimes - the measured runtimes: the library versions they reported (ONNX Runtime, TensorFlow.js,
 *   transformers.js) are listed too.
 */
export function machineInfo(runtimes: ReadonlyArray<{ details?: Record<string, string | number | boolean> }> = []): Record<string, string | number> {
  const [one, five] = loadavg();
  const versions: Record<string, string> = {};
  for (const r of runtimes) {
    for (const key of ['onnxruntime', 'tfjs', 'transformers']) {
      const v = r.details?.[key];
      if (typeof v === 'string' || typeof v === 'number') versions[key] = String(v);
    }
  }
  const gpuAbsent = gpuAbsentReason();
  const driver = nvidiaDriver();
  return {
    cpu: cpuIsa().model,
    // int8 speed and accuracy depend on it (VNNI / AMX vs AVX2 only).
    'cpu ISA': describeIsa(),
    cores: availableParallelism(),
    'memory GiB': Math.round(totalmem() / 2 ** 30),
    gpu: gpuAbsent ? 'none' : `device present${driver ? `, NVIDIA driver ${driver}` : ''}`,
    'load average 1/5 min': `${one!.toFixed(2)} / ${five!.toFixed(2)}`,
    node: process.version,
    ...Object.fromEntries(Object.entries(versions).map(([k, v]) => [`${k} version`, v])),
  };
}
