#!/usr/bin/env bash
# Prepares the whole runtime comparison (compare-gpu.mjs) for an offline GPU machine. Run it here,
# from any folder, right before the device command:
#   bash packages/eval/bench/gpu-compare/prepare.sh
# It builds core, backend-onnx and eval, bundles compare-gpu.mjs with esbuild into
# .gpu-compare/compare-gpu.mjs (every JS dependency inside; onnxruntime-node stays external; sharp,
# which the comparison never calls, is replaced by a stub), dry-runs it here on the CPU (--quick), and
# packs .gpu/ with ../shared/gpu/pack.sh: node, the Vulkan loader, onnxruntime-node 1.30 (Linux x64).
# On the GPU machine, with carry [".gpu", ".gpu-compare"] (the PyTorch script is in the working tree):
#   source .gpu/setup.sh; tar -xJf .gpu-compare/node_modules.tar.xz -C .gpu-compare; node .gpu-compare/compare-gpu.mjs; python3 packages/backend-onnx/bench/gpu/torch_cuda_bench.py
# (PyTorch CUDA in the same run, for the ratio: ORT WebGPU batch-32 images/s ÷ PyTorch batch-32, same precision.)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
cd "$root"
npx --yes pnpm@12.4.2 --filter "@affnet/eval..." --filter "@affnet/backend-onnx..." --filter "@affnet/backend-tfjs..." run build >/dev/null
mkdir -p .gpu-compare
grep -qx '/.gpu-compare/' .git/info/exclude 2>/dev/null || echo '/.gpu-compare/' >> .git/info/exclude
node --input-type=module -e "
import * as esbuild from 'esbuild';
const shim = {
  name: 'node-module-shim',
  setup(b) {
    b.onResolve({ filter: /^node:module\\?real$/ }, () => ({ path: 'node:module', external: true }));
    b.onResolve({ filter: /^(node:)?module$/ }, (a) => (a.importer.endsWith('node-module-shim.mjs') ? undefined : { path: '$here/node-module-shim.mjs' }));
  },
};
await esbuild.build({
  entryPoints: ['$here/compare-gpu.mjs'], bundle: true, platform: 'node', format: 'esm', target: 'node20',
  outfile: '.gpu-compare/compare-gpu.mjs', external: ['onnxruntime-node', '@huggingface/transformers', 'webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  alias: { sharp: '$here/sharp-stub.mjs' }, plugins: [shim], logLevel: 'warning',
  banner: { js: \"import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);\" },
});"
# Where the bundle resolves onnxruntime-node from: a node_modules next to it (packed below, unpacked by setup.sh).
mkdir -p .gpu-compare/node_modules
ort=node_modules/.pnpm/onnxruntime-node@1.30.0/node_modules
[ -d "$ort/onnxruntime-node" ] || { echo "prepare.sh: $ort/onnxruntime-node missing (pnpm install)" >&2; exit 1; }
rm -rf .gpu-compare/node_modules
o=.gpu-compare/node_modules/onnxruntime-node
mkdir -p "$o/bin/napi-v6/linux"
# Only what Linux x64 needs: the package, its JS, the x64 native binding and providers.
cp -L "$ort/onnxruntime-node/package.json" "$o/"
cp -rL "$ort/onnxruntime-node/dist" "$o/"
cp -rL "$ort/onnxruntime-node/bin/napi-v6/linux/x64" "$o/bin/napi-v6/linux/"
cp -rL "$ort/onnxruntime-common" .gpu-compare/node_modules/
# Dawn for Node (TensorFlow.js WebGPU): the package and its Linux x64 binary only.
wg=$(ls -d node_modules/.pnpm/webgpu@*/node_modules/webgpu | head -1)
w=.gpu-compare/node_modules/webgpu
mkdir -p "$w/dist"
cp -L "$wg/package.json" "$wg/index.js" "$w/"
cp -rL "$wg/dist/linux-x64" "$w/dist/"
# A dry run here (CPU rows; the GPU rows are listed absent with the reason).
node .gpu-compare/compare-gpu.mjs --quick
pack="${AFFNET_GPU_PACK:-$root/../shared/gpu/pack.sh}"
if [ -f "$pack" ]; then bash "$pack"; else echo "prepare.sh: $pack not found (set AFFNET_GPU_PACK): .gpu/ not packed" >&2; fi
# The carry is 64 MiB at most: .gpu (node, Vulkan) + .gpu-compare (bundle + onnxruntime-node, xz-packed).
tar -chf - -C .gpu-compare node_modules | xz -T2 -6 > .gpu-compare/node_modules.tar.xz
rm -rf .gpu-compare/node_modules
du -sh .gpu-compare .gpu 2>/dev/null || true
echo "GPU command: source .gpu/setup.sh; tar -xJf .gpu-compare/node_modules.tar.xz -C .gpu-compare; node .gpu-compare/compare-gpu.mjs; python3 packages/backend-onnx/bench/gpu/torch_cuda_bench.py"
echo 'carry: [".gpu", ".gpu-compare"]'
