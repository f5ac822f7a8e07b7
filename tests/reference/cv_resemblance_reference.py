#!/usr/bin/python3
"""Cross-validated resemblance with the layer chosen inside the folds and the
cross-validated noise ceiling (METHODS.md section 10), computed directly with
numpy: every fit is numpy.linalg.lstsq on the explicit design of the training
sentences, every score a sum over the held-out values. No moments, no
shortcuts: an implementation independent of lmgaze's (src/analysis).

Reads an lmgaze attention file and human store with h5py and prints JSON:
  layer_of_fold, r2_cv (per reader), mean_r2_cv, cv_ceiling, cv_resemblance,
  and head_r2[layer][head]: the mean over readers of the in-sample R² of the
  reader on that head alone (per-head resemblance).

Run: python3 cv_resemblance_reference.py ATTENTION.h5 STORE.h5 GROUP K
"""
import json
import sys

import h5py
import numpy as np


def fit_predict(x_train, y_train, x_test):
    """OLS with intercept on the training rows; in-sample R² and test predictions."""
    a = np.column_stack([np.ones(len(x_train)), x_train])
    beta, *_ = np.linalg.lstsq(a, y_train, rcond=None)
    fitted = a @ beta
    sst = np.sum((y_train - y_train.mean()) ** 2)
    r2 = 1 - np.sum((y_train - fitted) ** 2) / sst if sst > 0 else np.nan
    pred = np.column_stack([np.ones(len(x_test)), x_test]) @ beta
    return r2, pred


def main():
    att_path, store_path, group, k = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    with h5py.File(att_path, "r") as f:
        offsets = f["/sentences/pair_offset"][()]
        names = sorted(f["/attention"].keys())
        layers = [f["/attention/" + n][()].astype(np.float64).T for n in names]  # [pairs, heads]
    with h5py.File(store_path, "r") as f:
        y = f[f"/groups/{group}/count"][()]  # [readers, pairs]
    n_sent = len(offsets) - 1
    n_readers = y.shape[0]
    rows = [np.arange(offsets[s], offsets[s + 1]) for s in range(n_sent)]
    has = np.array([[not np.isnan(y[r, rows[s]]).any() for s in range(n_sent)]
                    for r in range(n_readers)])
    fold_of = np.arange(n_sent) % k

    def pairs_of(sentences):
        return np.concatenate([rows[s] for s in sentences]) if sentences else np.array([], int)

    # Per layer, fold, reader: training R², held-out SSE and SST (about the training mean).
    scores = np.full((len(layers), k, n_readers, 3), np.nan)
    for li, x in enumerate(layers):
        for fold in range(k):
            for r in range(n_readers):
                train = pairs_of([s for s in range(n_sent) if has[r, s] and fold_of[s] != fold])
                test = pairs_of([s for s in range(n_sent) if has[r, s] and fold_of[s] == fold])
                if len(train) == 0 or len(test) == 0:
                    scores[li, fold, r] = [np.nan, 0, 0]
                    continue
                r2, pred = fit_predict(x[train], y[r, train], x[test])
                sse = np.sum((y[r, test] - pred) ** 2)
                sst = np.sum((y[r, test] - y[r, train].mean()) ** 2)
                scores[li, fold, r] = [r2, sse, sst]
    layer_of_fold = []
    sse = np.zeros(n_readers)
    sst = np.zeros(n_readers)
    for fold in range(k):
        means = [np.nanmean(scores[li, fold, :, 0]) if not np.isnan(scores[li, fold, :, 0]).all()
                 else -np.inf for li in range(len(layers))]
        best = int(np.argmax(means))  # first maximum: ties go to the lower layer
        layer_of_fold.append(best)
        sse += scores[best, fold, :, 1]
        sst += scores[best, fold, :, 2]
    r2_cv = np.where(sst > 0, 1 - sse / np.where(sst > 0, sst, 1), np.nan)

    # CV ceiling: each reader on the mean of the OTHER readers with data there.
    ceil_sse = np.zeros(n_readers)
    ceil_sst = np.zeros(n_readers)
    for r in range(n_readers):
        usable = []
        loo = np.full(offsets[-1], np.nan)
        for s in range(n_sent):
            others = [q for q in range(n_readers) if q != r and has[q, s]]
            if has[r, s] and others:
                usable.append(s)
                loo[rows[s]] = y[others][:, rows[s]].mean(axis=0)
        for fold in range(k):
            train = pairs_of([s for s in usable if fold_of[s] != fold])
            test = pairs_of([s for s in usable if fold_of[s] == fold])
            if len(train) == 0 or len(test) == 0:
                continue
            _, pred = fit_predict(loo[train, None], y[r, train], loo[test, None])
            ceil_sse[r] += np.sum((y[r, test] - pred) ** 2)
            ceil_sst[r] += np.sum((y[r, test] - y[r, train].mean()) ** 2)
    ceil_r2 = np.where(ceil_sst > 0, 1 - ceil_sse / np.where(ceil_sst > 0, ceil_sst, 1), np.nan)
    # Per-head resemblance: each reader on one head alone, all its sentences.
    head_r2 = []
    for x in layers:
        per_head = []
        for h in range(x.shape[1]):
            values = []
            for r in range(n_readers):
                rows_r = pairs_of([s for s in range(n_sent) if has[r, s]])
                r2, _ = fit_predict(x[rows_r, h:h + 1], y[r, rows_r], x[rows_r[:1], h:h + 1])
                values.append(r2)
            per_head.append(float(np.nanmean(values)))
        head_r2.append(per_head)
    mean_r2_cv = float(np.nanmean(r2_cv))
    cv_ceiling = float(np.nanmean(ceil_r2))
    print(json.dumps({"layer_of_fold": layer_of_fold,
                      "r2_cv": [None if np.isnan(v) else float(v) for v in r2_cv],
                      "mean_r2_cv": mean_r2_cv,
                      "cv_ceiling": cv_ceiling,
                      "cv_resemblance": mean_r2_cv / cv_ceiling,
                      "head_r2": head_r2}))


if __name__ == "__main__":
    main()
