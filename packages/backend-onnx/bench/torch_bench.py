#!/usr/bin/env python3
"""PyTorch CPU baseline for bench/bench.mjs (which spawns it; it can also run alone).

Same architectures from torchvision with random weights, eval mode, torch.inference_mode, the same
thread count and input size as the ONNX Runtime side. Prints one JSON object on stdout.

    /usr/bin/python3 bench/torch_bench.py --size 256 --threads 2 --archs resnet50,vgg19,inception_v3
"""
import argparse
import json
import statistics
import sys
import time

import torch
import torchvision


def build(arch):
    if arch == "resnet50":
        return torchvision.models.resnet50(num_classes=2)
    if arch == "vgg19":
        return torchvision.models.vgg19(num_classes=2)
    if arch == "inception_v3":
        # init_weights=False skips scipy's truncated-normal init (slow, and irrelevant to speed)
        return torchvision.models.inception_v3(num_classes=2, aux_logits=False, init_weights=False)
    raise SystemExit(f"unknown arch {arch}")


def measure(model, batch, size, runs, warmup):
    x = torch.randn(batch, 3, size, size)
    times = []
    with torch.inference_mode():
        for i in range(warmup + runs):
            t = time.perf_counter()
            model(x)
            if i >= warmup:
                times.append(time.perf_counter() - t)
    return times


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--size", type=int, default=256)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--archs", default="resnet50,vgg19,inception_v3")
    p.add_argument("--runs1", type=int, default=10)
    p.add_argument("--runs16", type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    out = {"torch": torch.__version__, "torchvision": torchvision.__version__, "threads": torch.get_num_threads(), "results": {}}
    for arch in a.archs.split(","):
        model = build(arch).eval()
        t1 = measure(model, 1, a.size, a.runs1, 2)
        t16 = measure(model, 16, a.size, a.runs16, 1)
        out["results"][arch] = {
            "msPerImageBatch1": statistics.median(t1) * 1000,
            "imagesPerSecondBatch16": 16 * len(t16) / sum(t16),
        }
        print(f"torch {arch}: {out['results'][arch]}", file=sys.stderr)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
