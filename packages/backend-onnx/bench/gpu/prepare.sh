#!/usr/bin/env bash
# Prepares the WebGPU-vs-PyTorch-CUDA benchmark for an offline GPU machine. Run it here (a machine
# with the project installed and built deps), from any folder:
#   bash packages/backend-onnx/bench/gpu/prepare.sh
# It builds @affnet/backend-onnx (and core), writes the ResNet50 model skeletons to
# bench/gpu/models/ (prepare.mjs), and packs .gpu/ with ../shared/gpu/pack.sh: node, the Vulkan
# loader and only the Linux x64 part of onnxruntime-node 1.30 (+ onnxruntime-common).
# .gpu/modules.tar.xz is rewritten: run this right before the GPU command. On the GPU machine:
#   source .gpu/setup.sh; node packages/backend-onnx/bench/gpu/gpu-bench.mjs
# with carry [".gpu", "packages/backend-onnx/bench/gpu"].
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
cd "$root"
pack="${AFFNET_GPU_PACK:-$root/../shared/gpu/pack.sh}"
[ -f "$pack" ] || { echo "prepare.sh: $pack not found (set AFFNET_GPU_PACK)" >&2; exit 1; }

npx --yes pnpm@12.4.2 --filter "@affnet/backend-onnx..." run build >/dev/null
node "$here/prepare.mjs"

ort=node_modules/.pnpm/onnxruntime-node@1.30.0/node_modules
[ -d "$ort/onnxruntime-node" ] || { echo "prepare.sh: $ort/onnxruntime-node missing (pnpm install)" >&2; exit 1; }
bash "$pack" \
  "$ort/onnxruntime-node/package.json" \
  "$ort/onnxruntime-node/dist" \
  "$ort/onnxruntime-node/bin/napi-v6/linux/x64" \
  "$ort/onnxruntime-common"

du -sh .gpu "$here"
echo "GPU command: source .gpu/setup.sh; node packages/backend-onnx/bench/gpu/gpu-bench.mjs"
echo "carry: [\".gpu\", \"packages/backend-onnx/bench/gpu\"]"
