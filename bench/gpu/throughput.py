#!/usr/bin/env python3
"""Forward FLOPs of an `lmgaze extract` run and the fraction of the GPU's peak.

  throughput.py --model DIR --attention FILE.h5 --seconds S [--label TEXT]
                [--peak-tflops P] [--measured-tflops M]

FLOPs are counted on the tokens each sentence really has (padding excluded),
for a LLaMA checkpoint (config.json): per token 2 x (the weights of every
layer's projections and MLP, and the lm_head); per layer and sentence of T
tokens 4 T^2 C for the two attention products (q k^T and p v, over the full
T x T square, as they are computed). Embedding lookups, norms, softmax and
the word merge are not counted. The tokens come from the file's
/tokens/offset, so the count is of exactly what the model read.

Prints one JSON line: tokens, FLOPs, TFLOP/s achieved, and their fraction of
--peak-tflops (the data-sheet dense bf16 figure) and of --measured-tflops (a
large bf16 matrix product timed on the same GPU).
"""
import argparse
import json

import h5py
import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--attention", required=True)
    ap.add_argument("--seconds", type=float, required=True, help="lmgaze's extraction time")
    ap.add_argument("--label", default="")
    ap.add_argument("--peak-tflops", type=float, default=0.0)
    ap.add_argument("--measured-tflops", type=float, default=0.0)
    args = ap.parse_args()
    with open(args.model + "/config.json") as f:
        c = json.load(f)
    C, L, V = c["hidden_size"], c["num_hidden_layers"], c["vocab_size"]
    NH = c["num_attention_heads"]
    NKV = c.get("num_key_value_heads", NH)
    F = c["intermediate_size"]
    HS = C // NH
    per_layer = C * NH * HS + 2 * C * NKV * HS + NH * HS * C + 3 * C * F
    with h5py.File(args.attention, "r") as h:
        offset = np.asarray(h["tokens/offset"][()], dtype=np.int64)
    T = np.diff(offset).astype(np.float64)
    tokens = float(T.sum())
    flops = 2.0 * tokens * (L * per_layer + C * V) + L * 4.0 * C * float((T * T).sum())
    achieved = flops / args.seconds / 1e12
    out = {"label": args.label, "params": L * per_layer + 2 * C * V, "sentences": int(T.size),
           "tokens": int(tokens), "mean_tokens": tokens / max(1, T.size), "seconds": args.seconds,
           "tokens_per_s": tokens / args.seconds, "tflop": flops / 1e12,
           "tflops_achieved": achieved}
    if args.peak_tflops:
        out["fraction_of_peak"] = achieved / args.peak_tflops
    if args.measured_tflops:
        out["fraction_of_measured_matmul"] = achieved / args.measured_tflops
    print(json.dumps(out))


if __name__ == "__main__":
    main()
