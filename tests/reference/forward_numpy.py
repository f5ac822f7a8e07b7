#!/usr/bin/env python3
"""Independent numpy forward pass of Hugging Face checkpoints: GPT-2, LLaMA,
Mistral, Qwen2, Qwen3, Gemma, Gemma 2, Phi-3, OLMo 2 and GPT-NeoX.

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


def gelu_erf(x):
    from math import erf
    return 0.5 * x * (1.0 + np.vectorize(erf)(x / np.sqrt(2.0)))


def rope(x, theta, inv_freq=None):
    """Rotate-half rotary embedding of x [H, T, HS]: channel d pairs with d + D/2 for
    the first D = 2 * len(inv_freq) channels; the rest pass through (partial rotary)."""
    _, T, HS = x.shape
    if inv_freq is None:
        inv_freq = theta ** (-np.arange(0, HS, 2, dtype=np.float64) / HS)  # [HS/2]
    D = 2 * len(inv_freq)
    half = D // 2
    angle = np.outer(np.arange(T, dtype=np.float64), inv_freq)       # [T, D/2]
    cos, sin = np.cos(angle), np.sin(angle)
    x1, x2, rest = x[..., :half], x[..., half:D], x[..., D:]
    return np.concatenate([x1 * cos - x2 * sin, x2 * cos + x1 * sin, rest], axis=-1)


def rope_settings(cfg, theta_key="rope_theta", fraction_key="partial_rotary_factor",
                  fraction_default=1.0):
    """(theta, fraction, scaling dict) from a transformers 4 or 5 config."""
    params = dict(cfg.get("rope_scaling") or {})
    params.update(cfg.get("rope_parameters") or {})
    theta = cfg.get(theta_key, cfg.get("rope_theta", params.get("rope_theta", 10000.0)))
    fraction = cfg.get(fraction_key, cfg.get("partial_rotary_factor",
                                             params.get("partial_rotary_factor", fraction_default)))
    return theta, fraction, params


def inv_frequencies(theta, dim, params):
    """transformers' modeling_rope_utils: default, linear, dynamic (short sequences), llama3."""
    inv = 1.0 / theta ** (np.arange(0, dim, 2, dtype=np.float64) / dim)
    kind = params.get("rope_type", params.get("type", "default"))
    if kind in ("default", "dynamic"):
        return inv
    if kind == "linear":
        return inv / params["factor"]
    if kind == "llama3":
        factor, lo, hi = params["factor"], params["low_freq_factor"], params["high_freq_factor"]
        old = params["original_max_position_embeddings"]
        low_wavelen, high_wavelen = old / lo, old / hi
        wavelen = 2 * np.pi / inv
        scaled = np.where(wavelen > low_wavelen, inv / factor, inv)
        smooth = (old / wavelen - lo) / (hi - lo)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = (wavelen >= high_wavelen) & (wavelen <= low_wavelen)
        return np.where(medium, smoothed, scaled)
    raise SystemExit(f"rope type {kind!r} not in this reference")


def causal_attention(q, k, v, window=None, scale=None, softcap=None):
    """q, k, v [H, T, D] -> out [H, T, D], probs [H, T, T]. With a window, query i
    sees keys j with i - window < j <= i; softcap squashes the scores (Gemma 2)."""
    T, D = q.shape[1], q.shape[2]
    s = q @ k.transpose(0, 2, 1) * (scale if scale else 1 / np.sqrt(D))
    if softcap:
        s = np.tanh(s / softcap) * softcap
    i, j = np.meshgrid(np.arange(T), np.arange(T), indexing="ij")
    hidden = j > i
    if window:
        hidden |= j <= i - window
    s[:, hidden] = -np.inf
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


def rms_norm_offset(x, w, eps):
    """Gemma: x / rms(x) * (1 + w)."""
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * (1.0 + w)


def decoder_forward(cfg, w, ids):
    """LLaMA-shaped families: llama, mistral, qwen2, qwen3, gemma, phi3, olmo2,
    written from transformers' modeling_<family>.py, one branch per difference."""
    kind = cfg["model_type"]
    C, nh = cfg["hidden_size"], cfg["num_attention_heads"]
    nkv = cfg.get("num_key_value_heads") or nh
    hs = cfg.get("head_dim") or C // nh
    if kind == "phi3":
        hs = C // nh
    eps = cfg.get("rms_norm_eps", 1e-5 if kind in ("phi3", "olmo2") else 1e-6)
    theta, fraction, params = rope_settings(cfg)
    inv = inv_frequencies(theta, int(hs * fraction), params)
    window = cfg.get("sliding_window") if kind in ("mistral", "phi3") else None
    windows = [window] * cfg["num_hidden_layers"]
    scale = softcap = final_cap = None
    if kind == "gemma2":
        # Gemma2Attention: layer l slides when l is even (or layer_types says so).
        types = cfg.get("layer_types") or [
            "sliding_attention" if l % 2 == 0 else "full_attention"
            for l in range(cfg["num_hidden_layers"])]
        windows = [cfg.get("sliding_window", 4096) if t == "sliding_attention" else None
                   for t in types]
        scale = cfg.get("query_pre_attn_scalar", 256) ** -0.5
        softcap = cfg.get("attn_logit_softcapping", 50.0)
        final_cap = cfg.get("final_logit_softcapping", 30.0)
    gemma = kind in ("gemma", "gemma2")
    norm = rms_norm_offset if gemma else rms_norm
    if kind == "gemma2":
        act = cfg.get("hidden_activation", "gelu_pytorch_tanh")
    elif kind == "gemma":
        act = cfg.get("hidden_activation") or cfg.get("hidden_act", "gelu_pytorch_tanh")
    else:
        act = cfg.get("hidden_act", "silu")
    f = {"silu": silu, "gelu_pytorch_tanh": gelu_new, "gelu_new": gelu_new, "gelu": gelu_erf}[act]
    qkv_bias = kind == "qwen2" or cfg.get("attention_bias", False)
    o_bias = kind != "qwen2" and cfg.get("attention_bias", False)

    def lin(x, p):
        y = x @ w[p + ".weight"].T
        return y + w[p + ".bias"] if (p + ".bias") in w else y

    x = w["model.embed_tokens.weight"][ids]
    if gemma:
        x = x * np.sqrt(C)
    attention = []
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."
        a = x if kind == "olmo2" else norm(x, w[p + "input_layernorm.weight"], eps)
        if kind == "phi3":
            qkv = a @ w[p + "self_attn.qkv_proj.weight"].T
            q, k, v = np.split(qkv, [nh * hs, nh * hs + nkv * hs], axis=-1)
        else:
            assert ((p + "self_attn.q_proj.bias") in w) == bool(qkv_bias)
            q = lin(a, p + "self_attn.q_proj")
            k = lin(a, p + "self_attn.k_proj")
            v = lin(a, p + "self_attn.v_proj")
        if kind == "olmo2":  # one norm over all heads' channels
            q = rms_norm(q, w[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, w[p + "self_attn.k_norm.weight"], eps)
        q, k, v = heads(q, nh), heads(k, nkv), heads(v, nkv)
        if kind == "qwen3":  # one norm per head
            q = rms_norm(q, w[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, w[p + "self_attn.k_norm.weight"], eps)
        q, k = rope(q, theta, inv), rope(k, theta, inv)
        # grouped-query: query head h reads key/value head h // (nh / nkv)
        k, v = np.repeat(k, nh // nkv, axis=0), np.repeat(v, nh // nkv, axis=0)
        y, probs = causal_attention(q, k, v, windows[l], scale, softcap)
        attention.append(probs)
        assert ((p + "self_attn.o_proj.bias") in w) == bool(o_bias)
        o = lin(merge(y), p + "self_attn.o_proj")
        if kind == "gemma2":  # sandwich: norm before and after each block
            x = x + norm(o, w[p + "post_attention_layernorm.weight"], eps)
            b = norm(x, w[p + "pre_feedforward_layernorm.weight"], eps)
        elif kind == "olmo2":
            x = x + rms_norm(o, w[p + "post_attention_layernorm.weight"], eps)
            b = x
        else:
            x = x + o
            b = norm(x, w[p + "post_attention_layernorm.weight"], eps)
        if kind == "phi3":
            gate, up = np.split(b @ w[p + "mlp.gate_up_proj.weight"].T, 2, axis=-1)
            m = (up * f(gate)) @ w[p + "mlp.down_proj.weight"].T
        else:
            m = lin(f(lin(b, p + "mlp.gate_proj")) * lin(b, p + "mlp.up_proj"), p + "mlp.down_proj")
        if kind == "olmo2":
            m = rms_norm(m, w[p + "post_feedforward_layernorm.weight"], eps)
        if kind == "gemma2":
            m = norm(m, w[p + "post_feedforward_layernorm.weight"], eps)
        x = x + m
    x = norm(x, w["model.norm.weight"], eps)
    tied = cfg.get("tie_word_embeddings", gemma)
    logits = x @ (w["model.embed_tokens.weight"] if tied else w["lm_head.weight"]).T
    if final_cap:
        logits = np.tanh(logits / final_cap) * final_cap
    return attention, logits


def gpt_neox_forward(cfg, w, ids):
    """GPT-NeoX (Pythia), from transformers' modeling_gpt_neox.py."""
    C, nh = cfg["hidden_size"], cfg["num_attention_heads"]
    hs = C // nh
    eps = cfg.get("layer_norm_eps", 1e-5)
    theta, fraction, params = rope_settings(cfg, "rotary_emb_base", "rotary_pct", 0.25)
    inv = inv_frequencies(theta, int(hs * fraction), params)
    act = {"gelu": gelu_erf, "gelu_new": gelu_new}[cfg.get("hidden_act", "gelu")]
    T = len(ids)
    x = w["gpt_neox.embed_in.weight"][ids]
    attention = []
    for l in range(cfg["num_hidden_layers"]):
        p = f"gpt_neox.layers.{l}."
        a = layer_norm(x, w[p + "input_layernorm.weight"], w[p + "input_layernorm.bias"], eps)
        qkv = (a @ w[p + "attention.query_key_value.weight"].T
               + w[p + "attention.query_key_value.bias"])
        qkv = qkv.reshape(T, nh, 3 * hs).transpose(1, 0, 2)  # [nh, T, 3 hs]: q|k|v per head
        q, k, v = qkv[..., :hs], qkv[..., hs:2 * hs], qkv[..., 2 * hs:]
        q, k = rope(q, theta, inv), rope(k, theta, inv)
        y, probs = causal_attention(q, k, v)
        attention.append(probs)
        o = merge(y) @ w[p + "attention.dense.weight"].T + w[p + "attention.dense.bias"]

        def mlp(h):
            h = act(h @ w[p + "mlp.dense_h_to_4h.weight"].T + w[p + "mlp.dense_h_to_4h.bias"])
            return h @ w[p + "mlp.dense_4h_to_h.weight"].T + w[p + "mlp.dense_4h_to_h.bias"]

        ln2 = (w[p + "post_attention_layernorm.weight"], w[p + "post_attention_layernorm.bias"])
        if cfg.get("use_parallel_residual", True):
            x = x + o + mlp(layer_norm(x, *ln2, eps))
        else:
            x = x + o
            x = x + mlp(layer_norm(x, *ln2, eps))
    x = layer_norm(x, w["gpt_neox.final_layer_norm.weight"],
                   w["gpt_neox.final_layer_norm.bias"], eps)
    tied = cfg.get("tie_word_embeddings", False)
    head = w["gpt_neox.embed_in.weight"] if tied else w["embed_out.weight"]
    return attention, x @ head.T


# model_type -> forward(cfg, weights, ids) -> (attention per layer, logits)
FORWARD = {"gpt2": gpt2_forward, "gpt_neox": gpt_neox_forward,
           **{t: decoder_forward for t in ("llama", "mistral", "qwen2", "qwen3", "gemma",
                                           "gemma2", "phi3", "olmo2")}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True, help="Hugging Face model directory")
    ap.add_argument("--ids", action="append", required=True,
                    help="comma-separated token ids of one sequence (repeat for more)")
    ap.add_argument("--out", help="JSON output file (default: stdout)")
    args = ap.parse_args()

    with open(os.path.join(args.model, "config.json")) as f:
        cfg = json.load(f)
    forward = FORWARD.get(cfg.get("model_type"))
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
