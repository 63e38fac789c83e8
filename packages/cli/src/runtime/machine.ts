/** The machine and its load while measuring, for the comparison's notes. */
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { cpuIsa, describeIsa } from '@affnet/core';

export function machineInfo(): Record<string, string | number> {
  const [one, five] = loadavg();
  return {
    cpu: cpuIsa().model,
    // int8 speed and accuracy depend on it (VNNI / AMX vs AVX2 only).
    'cpu ISA': describeIsa(),
    cores: availableParallelism(),
    'memory GiB': Math.round(totalmem() / 2 ** 30),
    'load average 1/5 min': `${one!.toFixed(2)} / ${five!.toFixed(2)}`,
    node: process.version,
  };
}
