#!/usr/bin/env python3
"""Independent numpy forward pass of GPT-2 and LLaMA Hugging Face checkpoints.

Reads config.json and the safetensors weights with numpy alone (no torch, no
transformers), runs each token id sequence in float64, and writes every layer's
attention probabilities and the per-token next-token NLL as JSON:

  {"model": DIR, "model_type": "llama",
   "sequences": [{"ids": [...],
                  "attention": [layer][head][query][key],
                  "nll": [t] = -log p(ids[t+1] | ids[:t+1])}]}

lmgaze's C++ runtime (src/model) is tested against this (tests/model,
test_numpy_reference.cpp). Usage:

  forward_numpy.py --model /work/shared/models/toy-m --ids 1,45,230 --ids 1,300 [--out f.json]
"""
import argparse
import json
import os
import struct
import sys

import numpy as np


# ---------------------------------------------------------------- checkpoint

def read_safetensors(path):
    """All tensors of one .safetensors file as float64 arrays."""
    with open(path, "rb") as f:
        buf = f.read()
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8:8 + n])
    data = memoryview(buf)[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = data[begin:end]
        if info["dtype"] == "F32":
            a = np.frombuffer(raw, dtype="<f4")
        elif info["dtype"] == "F16":
            a = np.frombuffer(raw, dtype="<f2")
        elif info["dtype"] == "BF16":
            # bfloat16 is the upper half of a float32.
            a = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view("<f4")
        else:
            continue  # buffers lmgaze does not read either
        out[name] = a.astype(np.float64).reshape(info["shape"])
    return out


def read_weights(model_dir):
    index = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            shards = sorted(set(json.load(f)["weight_map"].values()))
    else:
        shards = ["model.safetensors"]
    weights = {}
    for shard in shards:
        weights.update(read_safetensors(os.path.join(model_dir, shard)))
    return weights


# ---------------------------------------------------------------- blocks

def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def rms_norm(x, w, eps):
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * w


def gelu_new(x):
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))


def silu(x):
    return x / (1.0 + np.exp(-x))


def rope(x, theta):
    """Rotate-half rotary embedding of x [H, T, D]: channel d pairs with d + D/2."""
    _, T, D = x.shape
    half = D // 2
    inv_freq = theta ** (-np.arange(0, D, 2, dtype=np.float64) / D)  # [D/2]
    angle = np.outer(np.arange(T, dtype=np.float64), inv_freq)       # [T, D/2]
    cos, sin = np.cos(angle), np.sin(angle)
    x1, x2 = x[..., :half], x[..., half:]
    return np.concatenate([x1 * cos - x2 * sin, x2 * cos + x1 * sin], axis=-1)


def causal_attention(q, k, v):
    """q, k, v [H, T, D] -> out [H, T, D], probs [H, T, T]."""
    T, D = q.shape[1], q.shape[2]
    s = q @ k.transpose(0, 2, 1) / np.sqrt(D)
    s[:, np.triu(np.ones((T, T), dtype=bool), 1)] = -np.inf
    s = s - s.max(-1, keepdims=True)
    p = np.exp(s)
    p = p / p.sum(-1, keepdims=True)
    return p @ v, p


def heads(x, n):
    """[T, n * D] -> [n, T, D]"""
    T = x.shape[0]
    return x.reshape(T, n, -1).transpose(1, 0, 2)


def merge(x):
    """[n, T, D] -> [T, n * D]"""
    return x.transpose(1, 0, 2).reshape(x.shape[1], -1)


def next_token_nll(logits, ids):
    m = logits.max(-1, keepdims=True)
    lse = (m + np.log(np.exp(logits - m).sum(-1, keepdims=True)))[:, 0]
    return [float(lse[t] - logits[t, ids[t + 1]]) for t in range(len(ids) - 1)]


# ---------------------------------------------------------------- models

def gpt2_forward(cfg, w, ids):
    p = "transformer." if "transformer.wte.weight" in w else ""
    nh, eps = cfg["n_head"], cfg.get("layer_norm_epsilon", 1e-5)
    T = len(ids)
    x = w[p + "wte.weight"][ids] + w[p + "wpe.weight"][:T]
    attention = []
    for l in range(cfg["n_layer"]):
        h = f"{p}h.{l}."
        a = layer_norm(x, w[h + "ln_1.weight"], w[h + "ln_1.bias"], eps)
        qkv = a @ w[h + "attn.c_attn.weight"] + w[h + "attn.c_attn.bias"]  # Conv1D [in, out]
        q, k, v = np.split(qkv, 3, axis=-1)
        y, probs = causal_attention(heads(q, nh), heads(k, nh), heads(v, nh))
        attention.append(probs)
        x = x + merge(y) @ w[h + "attn.c_proj.weight"] + w[h + "attn.c_proj.bias"]
        b = layer_norm(x, w[h + "ln_2.weight"], w[h + "ln_2.bias"], eps)
        f = gelu_new(b @ w[h + "mlp.c_fc.weight"] + w[h + "mlp.c_fc.bias"])
        x = x + f @ w[h + "mlp.c_proj.weight"] + w[h + "mlp.c_proj.bias"]
    x = layer_norm(x, w[p + "ln_f.weight"], w[p + "ln_f.bias"], eps)
    tied = cfg.get("tie_word_embeddings", True)
    logits = x @ (w[p + "wte.weight"] if tied else w["lm_head.weight"]).T
    return attention, logits


def llama_forward(cfg, w, ids):
    nh = cfg["num_attention_heads"]
    nkv = cfg.get("num_key_value_heads") or nh
    eps, theta = cfg.get("rms_norm_eps", 1e-6), cfg.get("rope_theta", 10000.0)
    x = w["model.embed_tokens.weight"][ids]
    attention = []
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."
        a = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = rope(heads(a @ w[p + "self_attn.q_proj.weight"].T, nh), theta)
        k = rope(heads(a @ w[p + "self_attn.k_proj.weight"].T, nkv), theta)
        v = heads(a @ w[p + "self_attn.v_proj.weight"].T, nkv)
        # grouped-query: query head h reads key/value head h // (nh / nkv)
        k, v = np.repeat(k, nh // nkv, axis=0), np.repeat(v, nh // nkv, axis=0)
        y, probs = causal_attention(q, k, v)
        attention.append(probs)
        x = x + merge(y) @ w[p + "self_attn.o_proj.weight"].T
        b = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        g = silu(b @ w[p + "mlp.gate_proj.weight"].T) * (b @ w[p + "mlp.up_proj.weight"].T)
        x = x + g @ w[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, w["model.norm.weight"], eps)
    tied = cfg.get("tie_word_embeddings", False)
    logits = x @ (w["model.embed_tokens.weight"] if tied else w["lm_head.weight"]).T
    return attention, logits


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True, help="Hugging Face model directory")
    ap.add_argument("--ids", action="append", required=True,
                    help="comma-separated token ids of one sequence (repeat for more)")
    ap.add_argument("--out", help="JSON output file (default: stdout)")
    args = ap.parse_args()

    with open(os.path.join(args.model, "config.json")) as f:
        cfg = json.load(f)
    forward = {"gpt2": gpt2_forward, "llama": llama_forward}.get(cfg.get("model_type"))
    if forward is None:
        sys.exit(f"{args.model}/config.json: unsupported model_type {cfg.get('model_type')!r}")
    w = read_weights(args.model)
    result = {"model": args.model, "model_type": cfg["model_type"], "sequences": []}
    for text in args.ids:
        ids = [int(t) for t in text.split(",")]
        attention, logits = forward(cfg, w, ids)
        result["sequences"].append({
            "ids": ids,
            "attention": [a.tolist() for a in attention],
            "nll": next_token_nll(logits, ids),
        })
    out = json.dumps(result)
    if args.out:
        with open(args.out, "w") as f:
            f.write(out)
    else:
        print(out)


if __name__ == "__main__":
    main()
