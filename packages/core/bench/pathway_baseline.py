#!/usr/bin/env python3
"""Python/OpenCV baseline of the automated pathway, for bench/pathway-throughput.mjs and the oracle test.

Same steps as @affnet/core (decodeRaster + preprocess, automated pathway):
decode (cv2.imread, 16-bit kept) -> float32 -> background = median of a border frame
max(1, round(1 % of the shorter side)) wide -> pad to a centred square (floor offsets) with it ->
cv2.resize INTER_AREA (area averaging when shrinking) to N x N -> z-score (population SD) ->
3 channels, NHWC.

Usage: /usr/bin/python3 pathway_baseline.py --size 256 [--rounds 3] [--dump out.f32] FILE...
Prints one JSON line: {"images_per_s": median over rounds, "rounds": [...], "cpu_ms_per_image": median,
"opencv": version, "threads": n}.
--dump writes the first file's NHWC float32 output (little endian) for comparison.
"""
import argparse
import json
import statistics
import time

import cv2
import numpy as np


def border_median(img: np.ndarray) -> float:
    h, w = img.shape
    k = max(1, int(np.floor(0.01 * min(h, w) + 0.5)))
    k = min(k, (w + 1) // 2, (h + 1) // 2)
    parts = [img[:k].ravel(), img[h - k:].ravel()]
    if h - 2 * k > 0:
        parts += [img[k:h - k, :k].ravel(), img[k:h - k, max(k, w - k):].ravel()]
    return float(np.median(np.concatenate(parts)))


def preprocess(path: str, n: int) -> np.ndarray:
    img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if img is None:
        raise ValueError(f"{path}: cannot decode")
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    img = img.astype(np.float32)
    bg = border_median(img)
    h, w = img.shape
    side = max(h, w)
    oy, ox = (side - h) // 2, (side - w) // 2
    square = cv2.copyMakeBorder(img, oy, side - h - oy, ox, side - w - ox, cv2.BORDER_CONSTANT, value=bg)
    small = cv2.resize(square, (n, n), interpolation=cv2.INTER_AREA).astype(np.float64)
    z = ((small - small.mean()) / small.std()).astype(np.float32)
    return np.repeat(z[None, :, :, None], 3, axis=3)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--dump")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    if a.dump:
        preprocess(a.files[0], a.size).astype("<f4").tofile(a.dump)
    preprocess(a.files[0], a.size)  # warm-up
    rates, cpu = [], []
    for _ in range(a.rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        for f in a.files:
            preprocess(f, a.size)
        rates.append(len(a.files) / (time.perf_counter() - t0))
        cpu.append((time.process_time() - c0) * 1000 / len(a.files))
    print(json.dumps({
        "images_per_s": statistics.median(rates),
        "rounds": rates,
        "cpu_ms_per_image": statistics.median(cpu),
        "opencv": cv2.__version__,
        "threads": cv2.getNumThreads(),
    }))


if __name__ == "__main__":
    main()
