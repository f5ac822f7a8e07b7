#!/usr/bin/python3
"""A random-weight LLaMA-shaped checkpoint for bench_load: bf16 safetensors, sharded.

Written by hand from the format (8-byte little-endian header length, JSON header,
data area), so that it needs numpy only, not torch:

    /usr/bin/python3 bench/make_random_checkpoint.py OUT_DIR [--layers 16]
        [--hidden 2048] [--heads 32] [--kv-heads 8] [--intermediate 8192]
        [--vocab 32000] [--shard-mb 1000] [--dtype BF16]

The default shape is LLaMA-1B-like: 16 layers of C 2048, F 8192, GQA 32/8, V 32000,
untied head, about 2.5 GB in bf16. Values are small random numbers; the checkpoint
is for timing the load, not for running text through. The tokenizer of the toy
LLaMA in data/models/toy-l is copied beside it so that lmgaze extract can read it.
"""
import argparse
import json
import os
import shutil

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TOY = os.path.join(HERE, "..", "data", "models", "toy-l")


def tensors(a):
    """(name, shape) in the order transformers writes a LlamaForCausalLM."""
    C, F, V = a.hidden, a.intermediate, a.vocab
    hs = C // a.heads
    yield "model.embed_tokens.weight", (V, C)
    for l in range(a.layers):
        p = f"model.layers.{l}."
        yield p + "input_layernorm.weight", (C,)
        yield p + "self_attn.q_proj.weight", (a.heads * hs, C)
        yield p + "self_attn.k_proj.weight", (a.kv_heads * hs, C)
        yield p + "self_attn.v_proj.weight", (a.kv_heads * hs, C)
        yield p + "self_attn.o_proj.weight", (C, a.heads * hs)
        yield p + "post_attention_layernorm.weight", (C,)
        yield p + "mlp.gate_proj.weight", (F, C)
        yield p + "mlp.up_proj.weight", (F, C)
        yield p + "mlp.down_proj.weight", (C, F)
    yield "model.norm.weight", (C,)
    yield "lm_head.weight", (V, C)


def random_bytes(shape, dtype, rng):
    """Row-major little-endian bytes of N(0, 0.02) values (norm weights would be 1;
    the values do not matter for a timing)."""
    x = (rng.standard_normal(int(np.prod(shape)), dtype=np.float32) * 0.02).astype("<f4")
    if dtype == "F32":
        return x.tobytes()
    if dtype == "F16":
        return x.astype("<f2").tobytes()
    # BF16: the upper 16 bits of the float32, rounded to nearest even.
    u = x.view("<u4").astype(np.uint64)
    u = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    return u.astype("<u2").tobytes()


def write_shard(path, items):
    """items: [(name, dtype, shape, bytes)] -> one safetensors file."""
    header, offset = {}, 0
    for name, dtype, shape, data in items:
        header[name] = {"dtype": dtype, "shape": list(shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for *_, data in items:
            f.write(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--layers", type=int, default=16)
    ap.add_argument("--hidden", type=int, default=2048)
    ap.add_argument("--heads", type=int, default=32)
    ap.add_argument("--kv-heads", type=int, default=8)
    ap.add_argument("--intermediate", type=int, default=8192)
    ap.add_argument("--vocab", type=int, default=32000)
    ap.add_argument("--shard-mb", type=int, default=1000, help="shard size limit, MB")
    ap.add_argument("--dtype", default="BF16", choices=["BF16", "F16", "F32"])
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    size = {"BF16": 2, "F16": 2, "F32": 4}[a.dtype]

    # Greedy shards: a tensor goes to the next shard when it would pass the limit.
    plan, cur, cur_bytes = [], [], 0
    for name, shape in tensors(a):
        n = int(np.prod(shape)) * size
        if cur and cur_bytes + n > a.shard_mb * 1_000_000:
            plan.append(cur)
            cur, cur_bytes = [], 0
        cur.append((name, shape))
        cur_bytes += n
    plan.append(cur)

    rng = np.random.default_rng(a.seed)
    weight_map, total = {}, 0
    for i, shard in enumerate(plan):
        fname = f"model-{i + 1:05d}-of-{len(plan):05d}.safetensors"
        items = [(n, a.dtype, s, random_bytes(s, a.dtype, rng)) for n, s in shard]
        write_shard(os.path.join(a.out_dir, fname), items)
        for n, *_ in items:
            weight_map[n] = fname
        total += sum(len(d) for *_, d in items)
        print(f"{fname}: {len(items)} tensors, {sum(len(d) for *_, d in items) / 1e9:.2f} GB")
    with open(os.path.join(a.out_dir, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=1)

    config = {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama",
        "hidden_size": a.hidden, "intermediate_size": a.intermediate,
        "num_attention_heads": a.heads, "num_key_value_heads": a.kv_heads,
        "num_hidden_layers": a.layers, "vocab_size": a.vocab,
        "max_position_embeddings": 2048, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
        "hidden_act": "silu", "bos_token_id": 1, "eos_token_id": 2,
        "tie_word_embeddings": False,
        "torch_dtype": {"BF16": "bfloat16", "F16": "float16", "F32": "float32"}[a.dtype],
    }
    with open(os.path.join(a.out_dir, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
    shutil.copy(os.path.join(TOY, "tokenizer.model"), a.out_dir)
    print(f"{a.out_dir}: {total / 1e9:.2f} GB in {len(plan)} shards")


if __name__ == "__main__":
    main()
