/**
 * The runtime options every command shares, in core's one grammar (`auto | BACKEND[:ENGINE][/PRECISION]`),
 * and the flags they replaced, refused with "did you mean …" so that old command lines fail loudly
 * instead of meaning something else.
 */
import { Option, type Command } from 'commander';
import { AffnetError, parseRuntimeSpec } from '@affnet/core';

export const RUNTIME_GRAMMAR = 'auto or BACKEND[:ENGINE][/PRECISION], e.g. onnx:cpu/int8, tfjs:wasm';

/** `--runtime SPEC` (default auto). */
export function addRuntimeOption(cmd: Command, what = 'runtime'): Command {
  return cmd.option('--runtime <spec>', `${what}: ${RUNTIME_GRAMMAR}; auto: ONNX Runtime CPU where it loads, else TensorFlow.js`, 'auto');
}

export interface RetiredFlag {
  /** Commander flag text, e.g. "--backend <name>" or "--cam-cases <n>". */
  flags: string;
  /** What to type instead, given the old value. */
  instead(value: unknown, all: Record<string, unknown>): string;
}

/** Register `retired` as hidden options; giving one fails before any work with what to type instead. */
export function retireFlags(cmd: Command, retired: readonly RetiredFlag[]): Command {
  for (const r of retired) cmd.addOption(new Option(r.flags).hideHelp());
  cmd.hook('preAction', (_self, action) => {
    const opts = action.opts() as Record<string, unknown>;
    for (const r of retired) {
      const key = new Option(r.flags).attributeName();
      if (opts[key] !== undefined) {
        const name = r.flags.split(/[ ,]/)[0];
        throw new AffnetError('E_OPTION_INVALID', `${name} was replaced (one runtime grammar and one word per concept across commands): did you mean ${r.instead(opts[key], opts)}?`);
      }
    }
  });
  return cmd;
}

/** The flags that chose a runtime before `--runtime SPEC`: --backend B --engine E --precision P → --runtime B:E/P. */
export function runtimeFlagsRetired(): RetiredFlag[] {
  const combined = (all: Record<string, unknown>): string => {
    const backend = typeof all.backend === 'string' ? all.backend : 'onnx';
    const engine = typeof all.engine === 'string' ? `:${all.engine}` : '';
    const precision = typeof all.precision === 'string' && all.precision !== 'fp32' ? `/${all.precision}` : '';
    return `--runtime ${backend}${engine}${precision}`;
  };
  return [
    { flags: '--backend <name>', instead: (_v, all) => combined(all) },
    { flags: '--engine <name>', instead: (_v, all) => combined(all) },
    { flags: '--precision <p>', instead: (_v, all) => combined(all) },
  ];
}

/** `--train-runtime`: the trainer's engine, in the same grammar; only the tfjs trainer exists. */
export function trainEngineOptions(value: string | undefined): { engines: string[]; allowFallback: false } | { allowFallback: true } {
  if (value === undefined) return { allowFallback: true };
  const spec = parseRuntimeSpec(value, '--train-runtime');
  if (spec.backend !== 'tfjs' || spec.precision) {
    throw new AffnetError('E_OPTION_INVALID', `--train-runtime: training runs on the tfjs trainer: give tfjs or tfjs:ENGINE (e.g. tfjs:wasm, tfjs:webgpu), got "${value}"`);
  }
  return spec.engine ? { engines: [spec.engine], allowFallback: false } : { allowFallback: true };
}
