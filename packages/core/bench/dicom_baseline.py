#!/usr/bin/python3
"""Baseline for bench/dicom-throughput.mjs: pydicom (+ the gdcm pixel handler) + OpenCV doing what affnet's
DICOM decode + automated pathway does: stored values -> modality LUT -> first VOI window -> MONOCHROME1
inversion -> pad to square (border median) -> INTER_AREA resize -> z-score -> 3 channels.
Usage: /usr/bin/python3 dicom_baseline.py --size 256 --rounds 3 FILE...  (Debian python3-pydicom,
python3-gdcm, python3-opencv). Prints one JSON line per round: {"seconds": s, "cpu": s, "images": n}."""
import json
import sys
import time

import cv2
import numpy as np
import pydicom
from pydicom.pixel_data_handlers.util import apply_modality_lut, apply_voi_lut


def pathway(path, size):
    ds = pydicom.dcmread(path)
    x = apply_modality_lut(ds.pixel_array, ds)
    x = apply_voi_lut(x, ds, index=0).astype(np.float32)
    if ds.PhotometricInterpretation == "MONOCHROME1":
        x = x.max() + x.min() - x
    h, w = x.shape
    side = max(h, w)
    k = max(1, round(0.01 * min(h, w)))
    border = np.concatenate([x[:k].ravel(), x[-k:].ravel(), x[:, :k].ravel(), x[:, -k:].ravel()])
    sq = np.full((side, side), np.median(border), np.float32)
    sq[(side - h) // 2:(side - h) // 2 + h, (side - w) // 2:(side - w) // 2 + w] = x
    r = cv2.resize(sq, (size, size), interpolation=cv2.INTER_AREA)
    z = (r - r.mean()) / (r.std() or 1.0)
    return np.repeat(z[:, :, None], 3, axis=2)


def main():
    args = sys.argv[1:]
    size = int(args[args.index("--size") + 1])
    rounds = int(args[args.index("--rounds") + 1])
    files = [a for i, a in enumerate(args) if not a.startswith("--") and args[i - 1] not in ("--size", "--rounds")]
    cv2.setNumThreads(1)
    for _ in range(rounds):
        t, c = time.perf_counter(), time.process_time()
        for f in files:
            pathway(f, size)
        print(json.dumps({"seconds": time.perf_counter() - t, "cpu": time.process_time() - c, "images": len(files)}), flush=True)


if __name__ == "__main__":
    main()
