#!/usr/bin/python3
"""Fixed-capacity resemblance (METHODS.md section 10) computed directly with
numpy, independent of lmgaze's moments: for each fold, the first k principal
components of a layer's heads come from numpy.linalg.eigh of the covariance of
the attention over the word pairs of the training sentences; every reader is
fitted with numpy.linalg.lstsq on the explicit k scores (with intercept) of its
training sentences and scored on its held-out sentences (SST about the
training mean); the layer of a fold is the one with the best mean training R²
(ties: the lower layer).

Prints JSON: layer_of_fold, layer_mean_r2_cv (layer fixed in every fold),
r2_cv (per reader, layer chosen inside the folds), mean_r2_cv.

Run: python3 pca_resemblance_reference.py ATTENTION.h5 STORE.h5 GROUP K k
"""
import json
import sys

import h5py
import numpy as np


def fit_predict(x_train, y_train, x_test):
    a = np.column_stack([np.ones(len(x_train)), x_train])
    beta, *_ = np.linalg.lstsq(a, y_train, rcond=None)
    sst = np.sum((y_train - y_train.mean()) ** 2)
    r2 = 1 - np.sum((y_train - a @ beta) ** 2) / sst if sst > 0 else np.nan
    return r2, np.column_stack([np.ones(len(x_test)), x_test]) @ beta


def main():
    att_path, store_path, group = sys.argv[1], sys.argv[2], sys.argv[3]
    folds, k = int(sys.argv[4]), int(sys.argv[5])
    with h5py.File(att_path, "r") as f:
        offsets = f["/sentences/pair_offset"][()]
        names = sorted(f["/attention"].keys())
        layers = [f["/attention/" + n][()].astype(np.float64).T for n in names]  # [pairs, heads]
    with h5py.File(store_path, "r") as f:
        y = f[f"/groups/{group}/count"][()]
    n_sent = len(offsets) - 1
    n_readers = y.shape[0]
    rows = [np.arange(offsets[s], offsets[s + 1]) for s in range(n_sent)]
    has = np.array([[not np.isnan(y[r, rows[s]]).any() for s in range(n_sent)]
                    for r in range(n_readers)])
    fold_of = np.arange(n_sent) % folds

    def pairs_of(sentences):
        return np.concatenate([rows[s] for s in sentences]) if sentences else np.array([], int)

    scores = np.zeros((len(layers), folds, n_readers, 3))
    for li, x in enumerate(layers):
        for fold in range(folds):
            design = x[pairs_of([s for s in range(n_sent) if fold_of[s] != fold])]
            values, vectors = np.linalg.eigh(np.cov(design, rowvar=False))
            top = vectors[:, np.argsort(values)[::-1][:k]]
            z = x @ top  # the k scores of every word pair
            for r in range(n_readers):
                train = pairs_of([s for s in range(n_sent) if has[r, s] and fold_of[s] != fold])
                test = pairs_of([s for s in range(n_sent) if has[r, s] and fold_of[s] == fold])
                if len(train) == 0 or len(test) == 0:
                    scores[li, fold, r] = [np.nan, 0, 0]
                    continue
                r2, pred = fit_predict(z[train], y[r, train], z[test])
                scores[li, fold, r] = [r2, np.sum((y[r, test] - pred) ** 2),
                                       np.sum((y[r, test] - y[r, train].mean()) ** 2)]

    def r2_of(sse, sst):
        return np.where(sst > 0, 1 - sse / np.where(sst > 0, sst, 1), np.nan)

    layer_mean = [float(np.nanmean(r2_of(scores[li, :, :, 1].sum(0), scores[li, :, :, 2].sum(0))))
                  for li in range(len(layers))]
    layer_of_fold = []
    sse = np.zeros(n_readers)
    sst = np.zeros(n_readers)
    for fold in range(folds):
        means = [np.nanmean(scores[li, fold, :, 0]) for li in range(len(layers))]
        best = int(np.argmax(means))
        layer_of_fold.append(best)
        sse += scores[best, fold, :, 1]
        sst += scores[best, fold, :, 2]
    r2_cv = r2_of(sse, sst)
    print(json.dumps({"layer_of_fold": layer_of_fold, "layer_mean_r2_cv": layer_mean,
                      "r2_cv": [float(v) for v in r2_cv],
                      "mean_r2_cv": float(np.nanmean(r2_cv))}))


if __name__ == "__main__":
    main()
