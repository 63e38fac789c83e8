/**
 * What the CPU can do, read from the machine. int8 speed and accuracy depend on it: ONNX Runtime's
 * x86 u8·s8 kernels use VPDPBUSD (exact int32 sums) on AVX-512 VNNI / AVX-VNNI CPUs and
 * VPMADDUBSW (pair sums in int16, which saturate) on AVX2-only CPUs; AMX adds tile kernels.
 */
import { readFileSync } from 'node:fs';
import { arch, cpus } from 'node:os';

export interface CpuIsa {
  /** CPU model name as the OS reports it. */
  model: string;
  arch: string;
  /** The instruction-set extensions that matter for inference, in a fixed order (e.g. ["AVX2", "AVX-512", "AVX-512 VNNI", "AMX-INT8"]). */
  extensions: string[];
  /**
   * Whether the CPU has an int8 dot-product instruction with exact 32-bit sums (x86: AVX-512 VNNI or
   * AVX-VNNI; Arm: the dot-product extension). undefined where it cannot be read.
   */
  int8DotProduct?: boolean;
  /** Where the facts came from. */
  source: string;
}

/** Linux /proc/cpuinfo flag → the name users know, in the order shown. */
const X86_FLAGS: [flag: string, name: string][] = [
  ['avx2', 'AVX2'],
  ['fma', 'FMA'],
  ['f16c', 'F16C'],
  ['avx512f', 'AVX-512'],
  ['avx512bw', 'AVX-512BW'],
  ['avx512_vnni', 'AVX-512 VNNI'],
  ['avx_vnni', 'AVX-VNNI'],
  ['avx512_bf16', 'AVX-512 BF16'],
  ['avx512_fp16', 'AVX-512 FP16'],
  ['amx_int8', 'AMX-INT8'],
  ['amx_bf16', 'AMX-BF16'],
];
const ARM_FLAGS: [flag: string, name: string][] = [
  ['asimd', 'NEON'],
  ['asimddp', 'DOTPROD'],
  ['i8mm', 'I8MM'],
  ['sve', 'SVE'],
  ['sve2', 'SVE2'],
];

/**
 * The CPU's inference-relevant ISA extensions from the text of /proc/cpuinfo (exported for tests;
 * {@link cpuIsa} reads the machine's).
 */
export function parseCpuinfo(text: string, machineArch: string = arch()): Omit<CpuIsa, 'source'> {
  const line = text.split('\n').find((l) => /^(flags|Features)\s*:/.test(l));
  const model = /^(model name|Model)\s*:\s*(.*)$/m.exec(text)?.[2]?.trim() ?? 'unknown';
  if (!line) return { model, arch: machineArch, extensions: [] };
  const flags = new Set(
    line
      .slice(line.indexOf(':') + 1)
      .trim()
      .split(/\s+/),
  );
  const table = machineArch === 'arm64' ? ARM_FLAGS : X86_FLAGS;
  const extensions = table.filter(([f]) => flags.has(f)).map(([, n]) => n);
  const int8DotProduct = machineArch === 'arm64' ? flags.has('asimddp') : flags.has('avx512_vnni') || flags.has('avx_vnni');
  return { model, arch: machineArch, extensions, int8DotProduct };
}

let cached: CpuIsa | undefined;

/** This machine's CPU (Linux: /proc/cpuinfo; elsewhere the model name only, extensions unknown). */
export function cpuIsa(): CpuIsa {
  if (cached) return cached;
  const model = cpus()[0]?.model.trim() || 'unknown';
  try {
    const parsed = parseCpuinfo(readFileSync('/proc/cpuinfo', 'utf8'));
    cached = { ...parsed, model: parsed.model === 'unknown' ? model : parsed.model, source: '/proc/cpuinfo' };
  } catch {
    cached = { model, arch: arch(), extensions: [], source: 'not readable on this platform' };
  }
  return cached;
}

/** "AVX2, FMA, AVX-512, AVX-512 VNNI, AMX-INT8" or "unknown (…)". */
export function describeIsa(isa: CpuIsa = cpuIsa()): string {
  if (isa.extensions.length === 0) return `no SIMD extensions read (${isa.source})`;
  const dot = isa.int8DotProduct === undefined ? '' : isa.int8DotProduct ? '; int8 dot product: yes' : '; int8 dot product: no (int16 pair sums)';
  return `${isa.extensions.join(', ')}${dot}`;
}
