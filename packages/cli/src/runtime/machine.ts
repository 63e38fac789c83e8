/** The machine and its load while measuring, for the comparison's notes. */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export function machineInfo(): Record<string, string | number> {
  const [one, five] = loadavg();
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    'memory GiB': Math.round(totalmem() / 2 ** 30),
    'load average 1/5 min': `${one!.toFixed(2)} / ${five!.toFixed(2)}`,
    node: process.version,
  };
}
