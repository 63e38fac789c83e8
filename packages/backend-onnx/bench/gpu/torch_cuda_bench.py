#!/usr/bin/env python3
"""PyTorch CUDA baseline for gpu-bench.mjs: torchvision ResNet50 (random weights, eval,
inference_mode), 256x256, batch 1 (median ms) and batch 32 (images/s), fp32 and fp16 (model.half()),
NCHW and channels_last; CUDA-synchronised timing, input already on the GPU. Prints one JSON line."""
import json
import statistics
import sys
import time

import torch
import torchvision

QUICK = "--quick" in sys.argv
RUNS1, RUNS32 = (3, 2) if QUICK else (30, 15)


def measure(model, batch, dtype, channels_last):
    x = torch.randn(batch, 3, 256, 256, device="cuda", dtype=dtype)
    if channels_last:
        x = x.to(memory_format=torch.channels_last)
    runs = RUNS1 if batch == 1 else RUNS32
    times = []
    with torch.inference_mode():
        for _ in range(5):
            model(x)
        torch.cuda.synchronize()
        for _ in range(runs):
            t = time.perf_counter()
            model(x).float().cpu()  # the logits back on the CPU, as on the ONNX Runtime side
            times.append(time.perf_counter() - t)
    return {"runs": runs, "medianMs": statistics.median(times) * 1000, "imagesPerSecond": batch * runs / sum(times)}


def main():
    if not torch.cuda.is_available():
        print(json.dumps({"skipped": "torch.cuda.is_available() is False", "torch": torch.__version__}))
        return
    torch.backends.cudnn.benchmark = True
    out = {"torch": torch.__version__, "device": torch.cuda.get_device_name(0), "results": {}}
    for name, dtype in (("fp32", torch.float32), ("fp16", torch.float16)):
        for cl in (False, True):
            model = torchvision.models.resnet50(num_classes=2).eval().cuda().to(dtype)
            if cl:
                model = model.to(memory_format=torch.channels_last)
            key = name + ("_channels_last" if cl else "")
            out["results"][key] = {"b1": measure(model, 1, dtype, cl), "b32": measure(model, 32, dtype, cl)}
            print(key, out["results"][key], file=sys.stderr)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
