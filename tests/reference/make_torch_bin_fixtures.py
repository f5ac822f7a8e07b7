#!/usr/bin/env python3
"""Writes the pytorch_model.bin fixtures of tests/data/torch_bin with real torch.save.

Run once (needs torch; Debian: apt-get install python3-torch) and commit the
output; the tests themselves need neither torch nor this script:

  /usr/bin/python3 tests/reference/make_torch_bin_fixtures.py tests/data/torch_bin

One tiny LLaMA (2 layers, C 16, 4 heads sharing 2 key/value heads, F 24, V 40)
with weights k * 2^-e (|k| <= 255), exact in float32, float16 and bfloat16, in:
  safetensors/  model.safetensors (float32), written here byte by byte
  bin/          pytorch_model.bin (float32) as Vicuna-era checkpoints hold it:
                with rotary inv_freq buffers, lm_head saved as a transposed view
  bin-sharded/  pytorch_model-0000{1,2}-of-00002.bin + pytorch_model.bin.index.json,
                shard 1 float16, shard 2 bfloat16
  legacy/       pytorch_model.bin in the pre-1.6 (non-zip) torch.save format
All four hold the same values, so they must give the same attention.
"""
import collections
import json
import os
import struct
import sys

import numpy as np
import torch

C, L, NH, NKV, F, V = 16, 2, 4, 2, 24, 40
HS = C // NH

CONFIG = {
    "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": C,
    "intermediate_size": F, "num_attention_heads": NH, "num_key_value_heads": NKV,
    "num_hidden_layers": L, "vocab_size": V, "max_position_embeddings": 64,
    "rms_norm_eps": 1e-6, "rope_theta": 500.0, "hidden_act": "silu", "bos_token_id": 1,
    "eos_token_id": 2, "tie_word_embeddings": False, "torch_dtype": "float32",
}


def weights():
    rng = np.random.default_rng(11)

    def draw(shape, lo=-127, hi=127, e=7):
        return rng.integers(lo, hi + 1, size=shape).astype(np.float64) * 2.0 ** -e

    w = collections.OrderedDict()
    w["model.embed_tokens.weight"] = draw((V, C))
    for l in range(L):
        p = f"model.layers.{l}."
        w[p + "self_attn.q_proj.weight"] = draw((C, C))
        w[p + "self_attn.k_proj.weight"] = draw((NKV * HS, C))
        w[p + "self_attn.v_proj.weight"] = draw((NKV * HS, C), e=8)
        w[p + "self_attn.o_proj.weight"] = draw((C, C), e=8)
        w[p + "mlp.gate_proj.weight"] = draw((F, C), e=8)
        w[p + "mlp.up_proj.weight"] = draw((F, C), e=8)
        w[p + "mlp.down_proj.weight"] = draw((C, F), e=8)
        w[p + "input_layernorm.weight"] = draw((C,), 64, 192)
        w[p + "post_attention_layernorm.weight"] = draw((C,), 64, 192)
    w["model.norm.weight"] = draw((C,), 64, 192)
    w["lm_head.weight"] = draw((V, C))
    return w


def write_safetensors(path, w):
    header, data = {}, b""
    for name, a in w.items():
        raw = a.astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)


def state_dict(w, dtype):
    sd = collections.OrderedDict()
    for name, a in w.items():
        t = torch.tensor(a, dtype=dtype)
        if name == "lm_head.weight":
            t = t.t().contiguous().t()  # same values, column-major strides
        sd[name] = t
        if name.endswith("input_layernorm.weight"):
            inv = 1.0 / (500.0 ** (torch.arange(0, HS, 2).float() / HS))
            sd[name.replace("input_layernorm.weight", "self_attn.rotary_emb.inv_freq")] = inv
    return sd


def write_dir(path, files):
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
    for name, writer in files:
        writer(os.path.join(path, name))


def main():
    out = sys.argv[1]
    w = weights()
    write_dir(os.path.join(out, "safetensors"),
              [("model.safetensors", lambda p: write_safetensors(p, w))])
    write_dir(os.path.join(out, "bin"),
              [("pytorch_model.bin", lambda p: torch.save(state_dict(w, torch.float32), p))])

    names = list(w)
    first = [n for n in names if n.startswith("model.embed_tokens") or ".layers.0." in n]
    second = [n for n in names if n not in first]
    shards = [("pytorch_model-00001-of-00002.bin", first, torch.float16),
              ("pytorch_model-00002-of-00002.bin", second, torch.bfloat16)]
    weight_map = {}
    files = []
    for fname, part, dtype in shards:
        sd = state_dict(collections.OrderedDict((n, w[n]) for n in part), dtype)
        weight_map.update({n: fname for n in sd})
        files.append((fname, lambda p, sd=sd: torch.save(sd, p)))
    index = {"metadata": {"total_size": 2 * sum(a.size for a in w.values())},
             "weight_map": weight_map}
    files.append(("pytorch_model.bin.index.json",
                  lambda p: open(p, "w").write(json.dumps(index, indent=2))))
    write_dir(os.path.join(out, "bin-sharded"), files)

    write_dir(os.path.join(out, "legacy"),
              [("pytorch_model.bin", lambda p: torch.save(
                  state_dict(w, torch.float32), p, _use_new_zipfile_serialization=False))])


if __name__ == "__main__":
    main()
