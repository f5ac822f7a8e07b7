#!/usr/bin/python3
"""Reference numbers for tests/analysis/test_reading_brain.cpp, computed
independently of lmgaze with numpy (least squares by numpy.linalg.lstsq on
the explicit design matrix).

Data: ../shared/data/reading_brain/mean_saccade_count.csv (group means of the
L1 and L2 readers; full n x n matrices). Targets are the lower triangle with
the diagonal (j <= i), row by row, sentences in (article, sentence) order.

Prints, for the L1 mean and the L2 mean, the R² and coefficients of OLS with
intercept on the trivial patterns FIRST (j == 0), SELF (j == i), PREV
(j == i - 1), and the R² (and line) of regressing the L1 mean on the L2 mean.

Run: /usr/bin/python3 tests/reference/analysis_reading_brain.py [DATA_DIR]
"""
import csv
import sys

import numpy as np


def load(path):
    values = {}  # (group, article, sentence) -> {(i, j): value}
    with open(path) as f:
        for row in csv.DictReader(f):
            key = (row["group"], int(row["article"]), int(row["sentence"]))
            values.setdefault(key, {})[(int(row["from_word"]), int(row["to_word"]))] = float(
                row["value"])
    return values


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/reading_brain"
    sentences = []
    with open(f"{data_dir}/sentences.csv") as f:
        for row in csv.DictReader(f):
            sentences.append((int(row["article"]), int(row["sentence"]), int(row["n_words"])))
    values = load(f"{data_dir}/mean_saccade_count.csv")

    y = {"L1": [], "L2": []}
    first, self_, prev = [], [], []
    for article, sentence, n in sentences:
        for i in range(n):
            for j in range(i + 1):
                for g in y:
                    y[g].append(values[(g, article, sentence)][(i, j)])
                first.append(1.0 if j == 0 else 0.0)
                self_.append(1.0 if j == i else 0.0)
                prev.append(1.0 if j == i - 1 else 0.0)
    y = {g: np.array(v) for g, v in y.items()}
    print(f"sentences {len(sentences)}, pairs {len(first)}")

    def ols(target, columns):
        x = np.column_stack([np.ones(len(target))] + columns)
        beta, *_ = np.linalg.lstsq(x, target, rcond=None)
        resid = target - x @ beta
        sst = np.sum((target - target.mean()) ** 2)
        return 1.0 - np.sum(resid ** 2) / sst, beta

    patterns = [np.array(first), np.array(self_), np.array(prev)]
    for g in ("L1", "L2"):
        r2, beta = ols(y[g], patterns)
        print(f"{g} trivial: r2 {r2:.17g} intercept {beta[0]:.17g} first {beta[1]:.17g} "
              f"self {beta[2]:.17g} prev {beta[3]:.17g}")
    r2, beta = ols(y["L1"], [y["L2"]])
    print(f"L1 on L2: r2 {r2:.17g} intercept {beta[0]:.17g} slope {beta[1]:.17g}")


if __name__ == "__main__":
    main()
