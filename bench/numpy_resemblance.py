#!/usr/bin/python3
"""The in-sample resemblance of `lmgaze resemblance` with default options,
written independently in batched numpy: the reference that
bench_analysis_vs_numpy.sh times lmgaze against.

    numpy_resemblance.py --model A.h5 --human H.h5 --group G --out DIR
                         [--solver lstsq|normal]

It computes what `lmgaze resemblance --model A.h5 --human H.h5 --group G
--out DIR` computes by default (METHODS.md 5), from the same HDF5 files:
  - R²(l, r): per layer, one batched least-squares solve for all readers of
    the reader's tril(S_r) on the layer's heads, with intercept (the design
    and the targets are centred, which is the intercept), in sample;
  - per head: R² of each reader on that head alone (squared correlation);
  - the noise ceiling: mean over readers of R² of the reader on the group
    mean (which includes the reader);
  - per layer the mean and standard error of R² over readers, the best layer
    and the resemblance (best mean R² / ceiling);
and writes them as lmgaze does, every number with 17 significant digits:
  DIR/resemblance.csv          layer, subject, r2
  DIR/resemblance_summary.csv  layer, mean_r2, sem_r2, noise_ceiling, resemblance
                               (last row layer = max)
  DIR/resemblance_heads.csv    layer, head, mean_r2, sem_r2

--solver lstsq (default) is one numpy.linalg.lstsq per layer with the 56
readers as right-hand sides (LAPACK gelsd, the research code's model fit
batched over readers); --solver normal forms the centred cross-products in
two BLAS products and solves the normal equations (Cholesky), the cheapest
plain numpy formulation.

Complete data only: a reader with no data for a sentence (NaN in the store)
is refused rather than modelled (lmgaze leaves that reader's sentence out).
"""

import argparse
import os
import sys

import h5py
import numpy as np


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def mean_sem(values, axis):
    """Mean and standard error (sd with n - 1, over sqrt n) along `axis`."""
    n = values.shape[axis]
    mean = values.mean(axis=axis)
    sd = values.std(axis=axis, ddof=1)
    return mean, sd / np.sqrt(n)


def layer_r2_lstsq(xc, yc, sst):
    """R² of every column of yc on the columns of xc (both centred)."""
    coef, sse, rank, _ = np.linalg.lstsq(xc, yc, rcond=None)
    if rank < xc.shape[1] or sse.size == 0:  # residuals are only returned at full rank
        sse = ((yc - xc @ coef) ** 2).sum(axis=0)
    return 1.0 - sse / sst


def layer_r2_normal(xc, yc, sst):
    """The same from the normal equations: SSR = Cxyᵀ Cxx⁻¹ Cxy per column."""
    cxx = xc.T @ xc
    cxy = xc.T @ yc
    chol = np.linalg.cholesky(cxx)
    half = np.linalg.solve(chol, cxy)  # L⁻¹ Cxy: SSR is its column norm²
    return (half * half).sum(axis=0) / sst


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--human", required=True)
    ap.add_argument("--group", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--solver", choices=["lstsq", "normal"], default="lstsq")
    a = ap.parse_args()
    layer_r2 = layer_r2_lstsq if a.solver == "lstsq" else layer_r2_normal

    human = h5py.File(a.human, "r")
    model = h5py.File(a.model, "r")
    offsets = model["/sentences/pair_offset"][()]
    if not np.array_equal(offsets, human["/sentences/pair_offset"][()]):
        sys.exit("numpy_resemblance: the two files are on different sentences")
    pairs = int(offsets[-1])
    n_layers = int(model.attrs["n_layers"])
    n_heads = int(model.attrs["n_heads"])
    subjects = [text(s) for s in human[f"/groups/{a.group}/subjects"][()]]
    y = human[f"/groups/{a.group}/count"][()]  # [readers, pairs] float64
    if np.isnan(y).any():
        sys.exit("numpy_resemblance: missing reader data (NaN); complete data only")

    # Targets, centred once: pairs x readers, and their total sums of squares.
    yc = np.ascontiguousarray((y - y.mean(axis=1, keepdims=True)).T)
    sst = (yc * yc).sum(axis=0)

    # Noise ceiling: each reader on the group mean, with intercept.
    mc = yc.mean(axis=1)
    ceiling = float(np.mean((mc @ yc) ** 2 / ((mc @ mc) * sst)))

    r2 = np.empty((n_layers, len(subjects)))
    head_r2 = np.empty((n_layers, n_heads, len(subjects)))
    att = np.empty((n_heads, pairs), dtype=np.float32)
    for layer in range(n_layers):
        model[f"/attention/layer_{layer:03d}"].read_direct(att)
        xc = att.T.astype(np.float64)  # pairs x heads
        xc -= xc.mean(axis=0)
        r2[layer] = layer_r2(xc, yc, sst)
        sxy = xc.T @ yc  # heads x readers
        sxx = (xc * xc).sum(axis=0)
        head_r2[layer] = sxy * sxy / (sxx[:, None] * sst[None, :])

    mean, sem = mean_sem(r2, axis=1)
    head_mean, head_sem = mean_sem(head_r2, axis=2)
    best = int(np.argmax(mean))
    os.makedirs(a.out, exist_ok=True)
    g = "%.17g"
    with open(os.path.join(a.out, "resemblance.csv"), "w") as f:
        f.write("layer,subject,r2\n")
        for layer in range(n_layers):
            f.writelines(f"{layer},{s},{g % v}\n" for s, v in zip(subjects, r2[layer]))
    with open(os.path.join(a.out, "resemblance_summary.csv"), "w") as f:
        f.write("layer,mean_r2,sem_r2,noise_ceiling,resemblance\n")
        for name, layer in [(str(i), i) for i in range(n_layers)] + [("max", best)]:
            m = mean[layer]
            f.write(f"{name},{g % m},{g % sem[layer]},{g % ceiling},{g % (m / ceiling)}\n")
    with open(os.path.join(a.out, "resemblance_heads.csv"), "w") as f:
        f.write("layer,head,mean_r2,sem_r2\n")
        for layer in range(n_layers):
            f.writelines(f"{layer},{h},{g % head_mean[layer, h]},{g % head_sem[layer, h]}\n"
                         for h in range(n_heads))
    print(f"numpy resemblance ({a.solver}): best layer {best}, mean R² {mean[best]:.4g}, "
          f"noise ceiling {ceiling:.4g}, resemblance {mean[best] / ceiling:.4g}")


if __name__ == "__main__":
    main()
