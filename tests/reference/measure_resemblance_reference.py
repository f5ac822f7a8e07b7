#!/usr/bin/python3
"""Resemblance to a per-word reading measure (METHODS.md section 11) computed
directly with numpy, independently of lmgaze (src/analysis/measure_resemblance.cpp):
each sentence's attention unpacked into full n×n matrices, the attention a
word receives as the mean of its column over the rows i >= j, and every fit
numpy.linalg.lstsq on the explicit design (intercept + one column per head)
of the words where the reader's measure is not NaN.

Prints JSON: r2[layer][reader] in sample and, with K >= 2, r2_cv[layer][reader]
(sentence s in fold s mod K; 1 - sum of held-out SSE / sum of held-out squares
about the training mean of each fold).

Run: python3 measure_resemblance_reference.py ATTENTION.h5 STORE.h5 GROUP MEASURE K
"""
import json
import sys

import h5py
import numpy as np


def received(packed, n):
    """packed: tril of one head, one sentence -> attention received per word."""
    w = np.zeros((n, n))
    w[np.tril_indices(n)] = packed  # row by row: (0,0), (1,0), (1,1), ...
    return w.sum(axis=0) / (n - np.arange(n))


def r2_of(x, y):
    a = np.column_stack([np.ones(len(x)), x])
    beta, *_ = np.linalg.lstsq(a, y, rcond=None)
    sst = np.sum((y - y.mean()) ** 2)
    return (1 - np.sum((y - a @ beta) ** 2) / sst) if sst > 0 else None, beta


def main():
    att_path, store_path, group, measure, k = sys.argv[1:6]
    k = int(k)
    with h5py.File(att_path, "r") as f:
        n_words = f["/sentences/n_words"][()]
        offsets = f["/sentences/pair_offset"][()]
        layers = sorted(name for name in f["/attention"])
        attention = [f["/attention/" + name][()].astype(np.float64) for name in layers]
    with h5py.File(store_path, "r") as f:
        y_all = f[f"/groups/{group}/measures/{measure}"][()]
    sentence_of_word = np.repeat(np.arange(len(n_words)), n_words)
    fold = sentence_of_word % k if k >= 2 else None
    out = {"r2": [], "r2_cv": []}
    for att in attention:
        heads = att.shape[0]
        x = np.column_stack([
            np.concatenate([received(att[h, offsets[s]:offsets[s + 1]], n_words[s])
                            for s in range(len(n_words))])
            for h in range(heads)])
        r2_layer, cv_layer = [], []
        for y in y_all:
            ok = ~np.isnan(y)
            r2, _ = r2_of(x[ok], y[ok])
            r2_layer.append(r2)
            if k < 2:
                continue
            sse = sst = 0.0
            for f in range(k):
                train, test = ok & (fold != f), ok & (fold == f)
                if train.sum() == 0 or test.sum() == 0:
                    continue
                _, beta = r2_of(x[train], y[train])
                pred = np.column_stack([np.ones(test.sum()), x[test]]) @ beta
                sse += np.sum((y[test] - pred) ** 2)
                sst += np.sum((y[test] - y[train].mean()) ** 2)
            cv_layer.append(1 - sse / sst if sst > 0 else None)
        out["r2"].append(r2_layer)
        out["r2_cv"].append(cv_layer)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
