#!/usr/bin/env python3
"""Compares two `lmgaze extract` files dataset by dataset.

  compare_h5.py REFERENCE OTHER [--tol 1e-6]

Walks every dataset of REFERENCE, requires the same dataset (same shape) in
OTHER, and prints one JSON line: the largest difference over the
floating-point datasets (absolute for values up to 1, such as attention
probabilities; relative above, such as summed losses), the dataset where it occurs, and whether any integer
dataset (token ids, offsets, counts) differs at all. Exit 1 when a dataset is
missing, a shape or an integer differs, or the largest difference exceeds
--tol; the line is printed either way.
"""
import argparse
import json
import sys

import h5py
import numpy as np


def datasets(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("reference")
    ap.add_argument("other")
    ap.add_argument("--tol", type=float, default=1e-6)
    args = ap.parse_args()
    with h5py.File(args.reference, "r") as a, h5py.File(args.other, "r") as b:
        da, db = datasets(a), datasets(b)
        problems, worst, where, n_values = [], 0.0, "", 0
        for name, x in sorted(da.items()):
            if name not in db:
                problems.append("missing " + name)
                continue
            y = db[name]
            if x.shape != y.shape:
                problems.append("%s shape %s vs %s" % (name, x.shape, y.shape))
                continue
            xv, yv = x[()], y[()]
            if np.issubdtype(np.asarray(xv).dtype, np.floating):
                xv, yv = np.asarray(xv, np.float64), np.asarray(yv, np.float64)
                n_values += xv.size
                if xv.size:
                    # Relative above 1 (loss sums), absolute below (probabilities).
                    d = float(np.max(np.abs(xv - yv) / np.maximum(1.0, np.abs(xv))))
                    if not np.isfinite(d):
                        problems.append(name + " has NaN or Inf")
                    elif d > worst:
                        worst, where = d, name
            elif np.asarray(xv).dtype.kind in "iub" and not np.array_equal(xv, yv):
                problems.append(name + " differs")
        if worst > args.tol:
            problems.append("max diff %.3g > %.3g" % (worst, args.tol))
    print(json.dumps({"reference": args.reference, "other": args.other, "values": n_values,
                      "max_diff": worst, "at": where, "tol": args.tol,
                      "problems": problems}))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
