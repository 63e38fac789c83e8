/**
 * What a loaded int8 model tells its users: the quantisation scheme from the model's metadata, the
 * CPU it runs on, and a warning where the two do not fit (8-bit weights on an x86 CPU without an
 * int8 dot product, where ONNX Runtime's u8·s8 kernels can saturate; see quantize/qdq.ts).
 */
import { cpuIsa, describeIsa, type CpuIsa } from '@affnet/core';
import type { QuantizeReport } from '../quantize/qdq.js';
import type { OnnxEngine } from './providers.js';

export function int8Details(record: Partial<QuantizeReport> | undefined, engine: OnnxEngine, isa: CpuIsa = cpuIsa()): Record<string, string> {
  const out: Record<string, string> = {
    int8: record?.scheme ?? 'quantisation scheme not recorded in the model (not an affnet int8 export, or an older one)',
  };
  if (engine !== 'cpu') return out;
  out.cpuIsa = describeIsa(isa);
  const x86 = isa.arch === 'x64' || isa.arch === 'ia32';
  const wideWeights = record?.weightBits === 8 || record?.weightBits === undefined;
  if (x86 && isa.int8DotProduct === false && wideWeights) {
    out.int8Warning =
      `this CPU has no VNNI (${isa.model}): ONNX Runtime's u8·s8 kernels add pairs of products in int16, which ${record?.weightBits === 8 ? 'saturates with these 8-bit weights' : 'can saturate with 8-bit weights'}; ` +
      'probabilities may drift from fp32. Re-export with 7-bit weights (the default: affnet export --precision int8)';
  }
  return out;
}
