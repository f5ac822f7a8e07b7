#!/usr/bin/env python3
"""Plain-PyTorch baseline for bench/bench_extract.sh, and its checkpoint generator.

  bench_extract_torch.py make-checkpoint DIR [--dtype fp32|fp16] [--seed S]
      writes a GPT-2-small-shaped Hugging Face checkpoint with random weights
      (n_layer 12, n_head 12, n_embd 768, vocab 50257, n_positions 1024) into
      DIR: config.json, model.safetensors (numpy only) and the real GPT-2 BPE
      files copied from --bpe-dir (default /work/shared/models/gpt2-toy).

  bench_extract_torch.py run --model DIR --text FILE [--batch N] [--threads N]
      the same work as `lmgaze extract` minus the word merge and the HDF5
      output: load the safetensors weights, GPT-2 BPE-tokenize every sentence
      of FILE, and run the GPT-2 forward in batches of N right-padded
      sentences, keeping every layer's attention probabilities [B, H, T, T]
      (float32) and the per-token next-token NLL. Prints one JSON line.

Run it with the Python whose torch is the system LibTorch (Debian's
python3-torch, /usr/bin/python3). The forward follows Hugging Face's
GPT2LMHeadModel (Conv1D = addmm, gelu_new = tanh GELU, tied lm_head, softmax
in float32 on scores of q scaled by 1/sqrt(head size), causal mask by -inf).
"""
import argparse
import hashlib
import json
import math
import mmap
import os
import shutil
import struct
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

CONFIG = {
    "architectures": ["GPT2LMHeadModel"],
    "model_type": "gpt2",
    "n_embd": 768,
    "n_layer": 12,
    "n_head": 12,
    "n_positions": 1024,
    "n_ctx": 1024,
    "vocab_size": 50257,
    "layer_norm_epsilon": 1e-05,
    "activation_function": "gelu_new",
    "bos_token_id": 50256,
    "eos_token_id": 50256,
    "tie_word_embeddings": True,
}


# ------------------------------------------------------------------ checkpoint

def gpt2_tensor_table(cfg):
    C, V, P = cfg["n_embd"], cfg["vocab_size"], cfg["n_positions"]
    F = 4 * C
    table = [("transformer.wte.weight", (V, C), "normal"),
             ("transformer.wpe.weight", (P, C), "normal")]
    for l in range(cfg["n_layer"]):
        h = "transformer.h.%d." % l
        table += [(h + "ln_1.weight", (C,), "ones"), (h + "ln_1.bias", (C,), "zeros"),
                  (h + "attn.c_attn.weight", (C, 3 * C), "normal"),
                  (h + "attn.c_attn.bias", (3 * C,), "zeros"),
                  (h + "attn.c_proj.weight", (C, C), "normal"),
                  (h + "attn.c_proj.bias", (C,), "zeros"),
                  (h + "ln_2.weight", (C,), "ones"), (h + "ln_2.bias", (C,), "zeros"),
                  (h + "mlp.c_fc.weight", (C, F), "normal"),
                  (h + "mlp.c_fc.bias", (F,), "zeros"),
                  (h + "mlp.c_proj.weight", (F, C), "normal"),
                  (h + "mlp.c_proj.bias", (C,), "zeros")]
    table += [("transformer.ln_f.weight", (C,), "ones"),
              ("transformer.ln_f.bias", (C,), "zeros")]
    return table


def make_checkpoint(args):
    os.makedirs(args.dir, exist_ok=True)
    np_dtype, st_dtype = {"fp32": ("<f4", "F32"), "fp16": ("<f2", "F16")}[args.dtype]
    rng = np.random.default_rng(args.seed)
    table = gpt2_tensor_table(CONFIG)
    header, offset = {}, 0
    for name, shape, _ in table:
        nbytes = int(np.prod(shape)) * np.dtype(np_dtype).itemsize
        header[name] = {"dtype": st_dtype, "shape": list(shape),
                        "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    header["__metadata__"] = {"format": "pt"}
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * (-len(blob) % 8)  # 8-byte aligned data, as safetensors writes it
    with open(os.path.join(args.dir, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for name, shape, init in table:
            if init == "normal":  # GPT-2's initialiser: N(0, 0.02)
                a = rng.standard_normal(shape, dtype=np.float32) * np.float32(0.02)
            elif init == "ones":
                a = np.ones(shape, dtype=np.float32)
            else:
                a = np.zeros(shape, dtype=np.float32)
            f.write(a.astype(np_dtype).tobytes())
    cfg = dict(CONFIG, torch_dtype={"fp32": "float32", "fp16": "float16"}[args.dtype])
    with open(os.path.join(args.dir, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    for name in ("vocab.json", "merges.txt"):
        shutil.copy(os.path.join(args.bpe_dir, name), os.path.join(args.dir, name))


# ------------------------------------------------------------------ baseline

def load_weights(model_dir, torch):
    """Every tensor of model.safetensors as an owned float32 CPU tensor (mmap, then copy)."""
    dtypes = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}
    out = {}
    # frombuffer on a read-only mapping warns; every tensor is copied out at once.
    warnings.filterwarnings("ignore", message="The given buffer is not writable")
    with open(os.path.join(model_dir, "model.safetensors"), "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            for name, info in header.items():
                if name == "__metadata__":
                    continue
                begin, end = info["data_offsets"]
                dt = dtypes[info["dtype"]]
                count = (end - begin) // torch.empty(0, dtype=dt).element_size()
                t = torch.frombuffer(mm, dtype=dt, count=count, offset=8 + n + begin)
                out[name.replace("transformer.", "", 1)] = \
                    t.reshape(info["shape"]).to(torch.float32, copy=True)
                del t
        finally:
            try:
                mm.close()
            except BufferError:  # a view still alive; the GC closes it
                pass
    return out


def gpt2_forward(ids, W, cfg, torch):
    """ids [B, T] int64 -> (attention: L x [B, H, T, T] float32, nll [B, T-1] float32)."""
    F = torch.nn.functional
    B, T = ids.shape
    C, H = cfg["n_embd"], cfg["n_head"]
    HS = C // H
    eps = cfg["layer_norm_epsilon"]
    scale = 1.0 / math.sqrt(HS)
    future = torch.ones(T, T, dtype=torch.bool).triu(1)

    def conv1d(x, w, b):  # HF Conv1D: x [..., in] @ w [in, out] + b
        return torch.addmm(b, x.reshape(-1, x.shape[-1]), w).view(*x.shape[:-1], w.shape[1])

    x = F.embedding(ids, W["wte.weight"]) + W["wpe.weight"][:T]  # [B, T, C]
    attention = []
    for l in range(cfg["n_layer"]):
        p = "h.%d." % l
        h = F.layer_norm(x, (C,), W[p + "ln_1.weight"], W[p + "ln_1.bias"], eps)
        q, k, v = conv1d(h, W[p + "attn.c_attn.weight"], W[p + "attn.c_attn.bias"]).split(C, -1)
        q = q.view(B, T, H, HS).transpose(1, 2)  # [B, H, T, HS]
        k = k.view(B, T, H, HS).transpose(1, 2)
        v = v.view(B, T, H, HS).transpose(1, 2)
        scores = torch.matmul(q * scale, k.transpose(-2, -1))  # [B, H, T, T]
        scores.masked_fill_(future, float("-inf"))
        probs = torch.softmax(scores, -1)
        attention.append(probs)
        y = torch.matmul(probs, v).transpose(1, 2).reshape(B, T, C)
        x = x + conv1d(y, W[p + "attn.c_proj.weight"], W[p + "attn.c_proj.bias"])
        h = F.layer_norm(x, (C,), W[p + "ln_2.weight"], W[p + "ln_2.bias"], eps)
        h = F.gelu(conv1d(h, W[p + "mlp.c_fc.weight"], W[p + "mlp.c_fc.bias"]), approximate="tanh")
        x = x + conv1d(h, W[p + "mlp.c_proj.weight"], W[p + "mlp.c_proj.bias"])
    x = F.layer_norm(x, (C,), W["ln_f.weight"], W["ln_f.bias"], eps)
    logits = F.linear(x, W["wte.weight"])  # [B, T, V], tied head
    logp = torch.log_softmax(logits[:, :-1], -1)
    nll = -logp.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)  # [B, T-1]
    return attention, nll


def ids_sha1(ids):
    """sha1 of every sentence's token ids, concatenated as little-endian int64."""
    return hashlib.sha1(np.array([t for s in ids for t in s], dtype="<i8").tobytes()).hexdigest()


def read_sentences(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\r\n") for line in f if line.strip()]


def run(args):
    t_start = time.perf_counter()
    import torch
    torch.set_num_threads(args.threads)
    sys.path.insert(0, os.path.join(HERE, "..", "tests", "reference"))
    from gpt2_bpe_reference import Encoder  # the GPT-2 encoder.py algorithm

    with open(os.path.join(args.model, "config.json")) as f:
        cfg = json.load(f)
    with torch.inference_mode():
        t0 = time.perf_counter()
        W = load_weights(args.model, torch)
        t1 = time.perf_counter()
        with open(os.path.join(args.model, "vocab.json"), encoding="utf-8") as f:
            vocab = json.load(f)
        with open(os.path.join(args.model, "merges.txt"), encoding="utf-8") as f:
            merges = [tuple(m.split()) for m in f.read().split("\n")[1:-1]]
        enc = Encoder(vocab, merges)
        ids = [enc.encode(s) for s in read_sentences(args.text)]
        t2 = time.perf_counter()
        n_tokens, nll_total, checksum = 0, 0.0, 0.0
        for s0 in range(0, len(ids), args.batch):
            chunk = ids[s0:s0 + args.batch]
            T = max(len(s) for s in chunk)
            batch = torch.zeros(len(chunk), T, dtype=torch.int64)  # right padding, id 0
            for i, s in enumerate(chunk):
                batch[i, :len(s)] = torch.tensor(s, dtype=torch.int64)
            attention, nll = gpt2_forward(batch, W, cfg, torch)
            for i, s in enumerate(chunk):  # use the results, as lmgaze does
                nll_total += float(nll[i, :len(s) - 1].sum())
                checksum += float(attention[-1][i, :, len(s) - 1, 0].sum())
            n_tokens += sum(len(s) for s in chunk)
        t3 = time.perf_counter()
    print(json.dumps({
        "sentences": len(ids), "tokens": n_tokens, "ids_sha1": ids_sha1(ids), "batch": args.batch,
        "threads": torch.get_num_threads(), "torch": torch.__version__,
        "load_s": t1 - t0, "tokenize_s": t2 - t1, "forward_s": t3 - t2,
        "total_s": t3 - t_start, "forward_tokens_per_s": n_tokens / (t3 - t2),
        "work_tokens_per_s": n_tokens / (t3 - t0),
        "nll_per_token": nll_total / max(1, n_tokens - len(ids)), "checksum": checksum}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make-checkpoint")
    m.add_argument("dir")
    m.add_argument("--dtype", choices=["fp32", "fp16"], default="fp32")
    m.add_argument("--seed", type=int, default=1234)
    m.add_argument("--bpe-dir", default="/work/shared/models/gpt2-toy")
    r = sub.add_parser("run")
    r.add_argument("--model", required=True)
    r.add_argument("--text", required=True)
    r.add_argument("--batch", type=int, default=8)
    r.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    make_checkpoint(args) if args.cmd == "make-checkpoint" else run(args)


if __name__ == "__main__":
    main()
