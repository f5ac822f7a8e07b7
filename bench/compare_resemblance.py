#!/usr/bin/python3
"""Checks that `lmgaze resemblance` and bench/numpy_resemblance.py agree on
every R² within a bound derived from the data, the comparison in double.

    compare_resemblance.py LMGAZE_OUT NUMPY_OUT MODEL.h5 HUMAN.h5 GROUP

Compared: R²(l, r) of every layer and reader, every layer's mean R², every
head's mean single-head R² and the noise ceiling. Exit status 1 when a
difference exceeds its bound.

The bound. Both sides start from the same numbers: float32 attention and
float64 counts, whose products are exact in double (24 + 24 bits, or 24 bits
times a small integer). What differs is the order of the n sums and the
solve. In terms of the correlations r_j (head j with the target) and R_ij
(head i with head j), a sum of n terms is off by at most γ_n Σ|terms|,
γ_n = n u / (1 − n u), u = 2⁻⁵³, and centring adds as much again, so by
Cauchy–Schwarz
    |δr_j| ≤ ε_r = 2 γ_n ρ_x ρ_y,    |δR_ij| ≤ ε_R = 2 γ_n ρ_x²,
with ρ = sqrt(Σv² / Σ(v − v̄)²) (at least 1; the largest over heads for ρ_x).
R² = rᵀ R⁻¹ r with standardized coefficients β = R⁻¹ r, ‖β‖² ≤ ‖R⁻¹‖ R², so
to first order
    |δR²| ≤ 2 ‖β‖ √k ε_r + ‖β‖² k ε_R + k u κ(R) R²
(the last term: a backward-stable solve of the k × k system). Each side is
within this of the exact value; the two sides within twice it. A mean over
readers is within the largest reader's bound. One head (k = 1, R = 1):
|δr²| ≤ 2 |r| ε_r. The ceiling is a one-regressor fit on the group mean.
"""

import csv
import sys

import h5py
import numpy as np

U = 2.0 ** -53


def gamma(n):
    return n * U / (1 - n * U)


def rho(columns):
    """sqrt(Σv² / Σ(v − v̄)²) of each column."""
    centred = columns - columns.mean(axis=0)
    return np.sqrt((columns * columns).sum(axis=0) / (centred * centred).sum(axis=0))


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def fit_bound(k, r2_max, inv_norm, cond, eps_r, eps_r_mat):
    beta = np.sqrt(inv_norm * r2_max)
    return 2 * (2 * beta * np.sqrt(k) * eps_r + beta * beta * k * eps_r_mat + k * U * cond * r2_max)


def main():
    lm_dir, np_dir, model_path, human_path, group = sys.argv[1:6]
    lm = rows(f"{lm_dir}/resemblance.csv")
    npy = rows(f"{np_dir}/resemblance.csv")
    n_layers = 1 + max(int(r["layer"]) for r in lm)
    subjects = list(dict.fromkeys(r["subject"] for r in lm))
    r2_lm = np.array([float(r["r2"]) for r in lm]).reshape(n_layers, -1)
    r2_np = np.array([float(r["r2"]) for r in npy]).reshape(n_layers, -1)
    if [r["subject"] for r in npy[: len(subjects)]] != subjects:
        sys.exit("compare_resemblance: the two tables list different readers")
    mean_lm = np.array([float(r["mean_r2"]) for r in rows(f"{lm_dir}/resemblance_summary.csv")
                        if r["layer"] != "max"])
    mean_np = np.array([float(r["mean_r2"]) for r in rows(f"{np_dir}/resemblance_summary.csv")
                        if r["layer"] != "max"])
    heads_lm = np.array([float(r["mean_r2"]) for r in rows(f"{lm_dir}/resemblance_heads.csv")])
    heads_np = np.array([float(r["mean_r2"]) for r in rows(f"{np_dir}/resemblance_heads.csv")])
    ceiling_lm = float(rows(f"{lm_dir}/resemblance_summary.csv")[0]["noise_ceiling"])
    ceiling_np = float(rows(f"{np_dir}/resemblance_summary.csv")[0]["noise_ceiling"])

    with h5py.File(human_path, "r") as f:
        y = f[f"/groups/{group}/count"][()].T  # pairs x readers
    n = y.shape[0]
    rho_y = rho(y).max()
    yc = y - y.mean(axis=0)
    sst = (yc * yc).sum(axis=0)
    model = h5py.File(model_path, "r")
    n_heads = int(model.attrs["n_heads"])
    layer_bound = np.empty(n_layers)
    head_bound = np.empty((n_layers, n_heads))
    for layer in range(n_layers):
        x = model[f"/attention/layer_{layer:03d}"][()].T.astype(np.float64)
        rho_x = rho(x).max()
        eps_r = 2 * gamma(n) * rho_x * rho_y
        eps_r_mat = 2 * gamma(n) * rho_x * rho_x
        xc = x - x.mean(axis=0)
        xn = xc / np.sqrt((xc * xc).sum(axis=0))
        eig = np.linalg.eigvalsh(xn.T @ xn)  # of the correlation matrix R
        layer_bound[layer] = fit_bound(n_heads, r2_lm[layer].max(), 1 / eig[0], eig[-1] / eig[0],
                                       eps_r, eps_r_mat)
        r_head = np.abs(xn.T @ (yc / np.sqrt(sst))).max(axis=1)  # largest |r| of each head
        head_bound[layer] = 2 * 2 * r_head * eps_r
    m = y.mean(axis=1)
    mc = m - m.mean()
    r_ceiling = np.abs(mc @ yc / np.sqrt((mc @ mc) * sst)).max()
    ceiling_bound = 2 * 2 * r_ceiling * 2 * gamma(n) * rho(m[:, None]).max() * rho_y

    checks = [
        ("R² of every (layer, reader)", np.abs(r2_lm - r2_np), layer_bound[:, None]),
        ("mean R² of every layer", np.abs(mean_lm - mean_np), layer_bound),
        ("mean single-head R² of every head", np.abs(heads_lm - heads_np), head_bound.ravel()),
        ("noise ceiling", np.abs(np.array([ceiling_lm - ceiling_np])), np.array([ceiling_bound])),
    ]
    ok = True
    for what, diff, bound in checks:
        worst = float(np.max(diff / bound))
        print(f"{what}: largest difference {diff.max():.3g}, bound {np.min(bound):.3g}.."
              f"{np.max(bound):.3g}, largest difference / bound {worst:.3g}")
        ok = ok and worst <= 1
    print("agree within the bound" if ok else "DISAGREE beyond the bound")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
