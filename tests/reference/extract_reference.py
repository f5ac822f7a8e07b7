#!/usr/bin/env python3
"""Independent check of an lmgaze attention file (METHODS.md sections 2 and 7).

For every sentence of FILE.h5 this re-runs the model with the numpy forward of
forward_numpy.py on exactly the token ids lmgaze recorded (/tokens/ids), merges
the token attention to words in numpy (drop BOS/prefix rows and columns without
renormalising; sum a word's columns, average its rows) and recomputes the
next-token loss (BOS and prefix are context, not predicted; a first token with
nothing before it is not predicted). It compares with /attention/layer_NNN and
/ntp and exits 1 when anything differs by more than the tolerances.

  extract_reference.py --file FILE.h5 --model DIR [--atol 2e-5] [--rtol-nll 1e-4]
"""
import argparse
import json
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import forward_numpy  # noqa: E402


def word_matrix(token_word, n_words):
    """[T, n] membership of kept tokens; dropped tokens (-1) get an all-zero row."""
    m = np.zeros((len(token_word), n_words))
    for t, w in enumerate(token_word):
        if w >= 0:
            m[t, w] = 1.0
    return m


def merge(probs, token_word, n_words):
    """probs [H, T, T] -> W [H, n, n]: columns summed per word, rows averaged per word."""
    m = word_matrix(token_word, n_words)
    counts = m.sum(0)
    summed = m.T @ probs @ m  # [H, n, n]: rows summed too
    return summed / counts[None, :, None]


def tril(w):
    n = w.shape[-1]
    i, j = np.tril_indices(n)
    return w[..., i, j]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--atol", type=float, default=2e-5)
    ap.add_argument("--rtol-nll", type=float, default=1e-4)
    args = ap.parse_args()

    with open(os.path.join(args.model, "config.json")) as f:
        cfg = json.load(f)
    forward = forward_numpy.FORWARD[cfg["model_type"]]
    weights = forward_numpy.read_weights(args.model)

    f = h5py.File(args.file, "r")
    assert f.attrs["complete"] == 1, "file not complete"
    n_words = f["sentences/n_words"][:]
    pair_offset = f["sentences/pair_offset"][:]
    tok_offset = f["tokens/offset"][:]
    ids_all = f["tokens/ids"][:]
    word_all = f["tokens/word"][:]
    n_layers = int(f.attrs["n_layers"])
    layers = [f["attention/layer_%03d" % l][:] for l in range(n_layers)]
    nll_sum = f["ntp/nll_sum"][:]
    n_pred = f["ntp/n_tokens"][:]
    n_sent_tokens = f["tokens/n_tokens"][:]

    worst_att, worst_nll, total_nll, total_tokens = 0.0, 0.0, 0.0, 0
    for s in range(len(n_words)):
        ids = [int(x) for x in ids_all[tok_offset[s]:tok_offset[s + 1]]]
        token_word = [int(x) for x in word_all[tok_offset[s]:tok_offset[s + 1]]]
        n = int(n_words[s])
        assert sorted(set(w for w in token_word if w >= 0)) == list(range(n)), f"sentence {s}: words"
        assert n_sent_tokens[s] == sum(1 for w in token_word if w >= 0), f"sentence {s}: n_tokens"
        attention, logits = forward(cfg, weights, ids)
        p0, p1 = pair_offset[s], pair_offset[s + 1]
        for l in range(n_layers):
            expected = tril(merge(attention[l], token_word, n))  # [H, pairs]
            got = layers[l][:, p0:p1]
            worst_att = max(worst_att, float(np.abs(expected - got).max()))
        nll = forward_numpy.next_token_nll(logits, ids)
        first = next(t for t, w in enumerate(token_word) if w >= 0)
        first_predicted = max(first, 1)
        expected_sum = sum(nll[t - 1] for t in range(first_predicted, len(ids)))
        assert n_pred[s] == len(ids) - first_predicted, f"sentence {s}: predicted tokens"
        worst_nll = max(worst_nll, abs(expected_sum - nll_sum[s]) / max(abs(expected_sum), 1e-12))
        total_nll += expected_sum
        total_tokens += len(ids) - first_predicted

    print(f"{args.file}: {len(n_words)} sentences, max |attention diff| = {worst_att:.3g}, "
          f"max relative NLL diff = {worst_nll:.3g}, reference loss = "
          f"{total_nll / max(total_tokens, 1):.4f} nats/token")
    if worst_att > args.atol or worst_nll > args.rtol_nll:
        print("MISMATCH", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
