#!/usr/bin/env python3
"""Random-weight LLaMA checkpoints of real model shapes, for GPU throughput.

  random_llama.py DIR --shape 1b|7b|13b|tiny [--layers N] [--hidden C]
                  [--heads NH] [--kv-heads NKV] [--intermediate F]
                  [--dtype bf16|fp16|fp32] [--shard-mb MB]
                  [--tokenizer-from MODEL_DIR] [--seed S]

writes a Hugging Face LLaMA checkpoint into DIR: config.json,
model.safetensors (weights N(0, 0.02), norms 1) and tokenizer.model; with
--shard-mb, shards of at most that many MB (a tensor goes to the next shard
when it would pass the limit) and model.safetensors.index.json, as
save_pretrained writes a big model.

Shapes: 1b is TinyLlama-1.1B (22 layers, C 2048, 32 heads of which 4 key/value
heads, FFN 5632); 7b and 13b are LLaMA-1 7B and 13B; all with vocab 32000.
--layers cuts the layer count (same width), for a quick run on a CPU; the
other overrides change one dimension of the shape (bench_load's checkpoint:
--shape 1b --layers 16 --kv-heads 8 --intermediate 8192 --shard-mb 1000).

The tokenizer is the project's 2000-piece SentencePiece model with 30000
unused pieces appended, so that it has LLaMA's 32000 ids and tokenizes text
exactly as the small models do. The pieces are appended as raw protobuf
records (ModelProto field 1, SentencePiece {piece=1, score=2, type=3 UNUSED}),
which needs no protobuf library.

Weights come from torch on the GPU when it is there (seconds for 7B) and from
numpy otherwise; either way the file is written straight, tensor by tensor.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np

SHAPES = {
    # name: hidden, layers, heads, kv heads, intermediate
    "1b": (2048, 22, 32, 4, 5632),
    "7b": (4096, 32, 32, 32, 11008),
    "13b": (5120, 40, 40, 40, 13824),
    "tiny": (256, 4, 8, 4, 688),
}
VOCAB = 32000


def tensor_table(C, L, NH, NKV, F, V):
    HS = C // NH
    t = [("model.embed_tokens.weight", (V, C), "normal")]
    for l in range(L):
        p = "model.layers.%d." % l
        t += [(p + "input_layernorm.weight", (C,), "ones"),
              (p + "self_attn.q_proj.weight", (NH * HS, C), "normal"),
              (p + "self_attn.k_proj.weight", (NKV * HS, C), "normal"),
              (p + "self_attn.v_proj.weight", (NKV * HS, C), "normal"),
              (p + "self_attn.o_proj.weight", (C, NH * HS), "normal"),
              (p + "post_attention_layernorm.weight", (C,), "ones"),
              (p + "mlp.gate_proj.weight", (F, C), "normal"),
              (p + "mlp.up_proj.weight", (F, C), "normal"),
              (p + "mlp.down_proj.weight", (C, F), "normal")]
    t += [("model.norm.weight", (C,), "ones"), ("lm_head.weight", (V, C), "normal")]
    return t


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def padded_tokenizer(src, n_total):
    """tokenizer.model bytes of `src` with unused pieces up to n_total ids."""
    data = open(src, "rb").read()
    # Count the existing pieces: top-level field 1 (tag 0x0A) records.
    n, pos = 0, 0
    while pos < len(data):
        tag, pos = read_varint(data, pos)
        field, wire = tag >> 3, tag & 7
        if wire == 2:
            length, pos = read_varint(data, pos)
            pos += length
        elif wire == 0:
            _, pos = read_varint(data, pos)
        elif wire == 5:
            pos += 4
        elif wire == 1:
            pos += 8
        else:
            sys.exit("%s: unexpected protobuf wire type %d" % (src, wire))
        n += field == 1
    if n > n_total:
        sys.exit("%s has %d pieces, more than %d" % (src, n, n_total))
    extra = bytearray()
    for i in range(n, n_total):
        piece = ("<unused%d>" % i).encode()
        # SentencePiece{piece: 1 string, score: 2 float, type: 3 enum (UNUSED = 5)}
        msg = b"\x0a" + varint(len(piece)) + piece + b"\x15" + struct.pack("<f", 0.0) + b"\x18\x05"
        extra += b"\x0a" + varint(len(msg)) + msg
    return data + bytes(extra), n


def read_varint(data, pos):
    shift, value = 0, 0
    while True:
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos


SIZE = {"bf16": 2, "fp16": 2, "fp32": 4}


def shard_plan(table, dtype, shard_mb):
    """The table cut into shards of at most shard_mb MB (0: one file)."""
    plan, cur, cur_bytes = [], [], 0
    for entry in table:
        n = int(np.prod(entry[1])) * SIZE[dtype]
        if cur and shard_mb and cur_bytes + n > shard_mb * 1_000_000:
            plan.append(cur)
            cur, cur_bytes = [], 0
        cur.append(entry)
        cur_bytes += n
    plan.append(cur)
    return plan


def write_weights(path, table, dtype, seed):
    st = {"bf16": "BF16", "fp16": "F16", "fp32": "F32"}[dtype]
    size = SIZE[dtype]
    header, offset = {}, 0
    for name, shape, _ in table:
        nbytes = int(np.prod(shape)) * size
        header[name] = {"dtype": st, "shape": list(shape), "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    header["__metadata__"] = {"format": "pt"}
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * (-len(blob) % 8)
    try:
        import torch
        gpu = torch.cuda.is_available()
    except ImportError:
        torch, gpu = None, False
    rng = np.random.default_rng(seed)
    if gpu:
        gen = torch.Generator(device="cuda").manual_seed(seed)
        tdt = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[dtype]
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for name, shape, init in table:
            if gpu:
                if init == "normal":
                    a = torch.randn(shape, generator=gen, device="cuda", dtype=torch.float32) * 0.02
                else:
                    a = torch.ones(shape, device="cuda")
                a = a.to(tdt).contiguous().cpu()
                raw = a.view(torch.int16 if size == 2 else torch.int32).numpy().tobytes()
            else:
                if init == "normal":
                    a = rng.standard_normal(shape, dtype=np.float32) * np.float32(0.02)
                else:
                    a = np.ones(shape, dtype=np.float32)
                if dtype == "bf16":  # round to nearest even on the upper 16 bits
                    u = a.view(np.uint32)
                    u = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
                    raw = u.astype(np.uint16).tobytes()
                else:
                    raw = a.astype("<f2" if dtype == "fp16" else "<f4").tobytes()
            f.write(raw)
    return offset


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--shape", choices=sorted(SHAPES), required=True)
    ap.add_argument("--layers", type=int, default=0, help="override the layer count")
    ap.add_argument("--hidden", type=int, default=0, help="override the hidden size")
    ap.add_argument("--heads", type=int, default=0, help="override the attention heads")
    ap.add_argument("--kv-heads", type=int, default=0, help="override the key/value heads")
    ap.add_argument("--intermediate", type=int, default=0, help="override the MLP width")
    ap.add_argument("--shard-mb", type=int, default=0, help="shards of at most MB (0: one file)")
    ap.add_argument("--dtype", choices=["bf16", "fp16", "fp32"], default="bf16")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--tokenizer-from", default=os.path.join(here, "..", "..", "data", "models", "toy-l"))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    C, L, NH, NKV, F = SHAPES[args.shape]
    C, L, NH = args.hidden or C, args.layers or L, args.heads or NH
    NKV, F = args.kv_heads or NKV, args.intermediate or F
    os.makedirs(args.dir, exist_ok=True)
    table = tensor_table(C, L, NH, NKV, F, VOCAB)
    plan = shard_plan(table, args.dtype, args.shard_mb)
    if len(plan) == 1:
        nbytes = write_weights(os.path.join(args.dir, "model.safetensors"), table, args.dtype,
                               args.seed)
    else:
        nbytes, weight_map = 0, {}
        for i, part in enumerate(plan):  # each shard its own seed: reproducible, not repeated
            name = "model-%05d-of-%05d.safetensors" % (i + 1, len(plan))
            nbytes += write_weights(os.path.join(args.dir, name), part, args.dtype, args.seed + i)
            weight_map.update({entry[0]: name for entry in part})
        with open(os.path.join(args.dir, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": nbytes}, "weight_map": weight_map}, f, indent=1)
    config = {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama",
        "hidden_size": C, "intermediate_size": F, "num_attention_heads": NH,
        "num_key_value_heads": NKV, "num_hidden_layers": L, "vocab_size": VOCAB,
        "max_position_embeddings": 2048, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
        "hidden_act": "silu", "bos_token_id": 1, "eos_token_id": 2,
        "tie_word_embeddings": False,
        "torch_dtype": {"bf16": "bfloat16", "fp16": "float16", "fp32": "float32"}[args.dtype],
    }
    with open(os.path.join(args.dir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    tok, n_own = padded_tokenizer(os.path.join(args.tokenizer_from, "tokenizer.model"), VOCAB)
    with open(os.path.join(args.dir, "tokenizer.model"), "wb") as f:
        f.write(tok)
    n_params = sum(int(np.prod(s)) for _, s, _ in table)
    print(json.dumps({"dir": args.dir, "shape": args.shape, "layers": L, "params": n_params,
                      "bytes": nbytes, "shards": len(plan), "tokenizer_pieces": n_own,
                      "vocab": VOCAB}))


if __name__ == "__main__":
    main()
