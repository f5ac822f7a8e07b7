#!/usr/bin/env python3
"""Hugging Face transformers baseline for the GPU throughput of `lmgaze extract`.

  hf_baseline.py --model DIR --text FILE [--batch N] [--dtype bf16|fp16|fp32] [--label TEXT]

Loads the same checkpoint with transformers' LlamaForCausalLM (eager
attention, the implementation that can return attention probabilities),
tokenizes every sentence of FILE with the checkpoint's tokenizer.model (BOS
first, as lmgaze does) and runs batches of N right-padded sentences with
output_attentions=True, computing each sentence's next-token NLL. Attention
stays on the GPU: this is the model's forward with attention returned, without
lmgaze's copy to the host, word merge and HDF5 output. Prints one JSON line
(tokens/s over the forward loop, load time, NLL per token).
"""
import argparse
import json
import time

import sentencepiece as spm
import torch
from transformers import LlamaForCausalLM


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--text", required=True)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--dtype", choices=["bf16", "fp16", "fp32"], default="bf16")
    ap.add_argument("--label", default="", help="e.g. 'transformers 7b bf16 batch 64'")
    args = ap.parse_args()
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[args.dtype]

    t0 = time.perf_counter()
    model = LlamaForCausalLM.from_pretrained(args.model, dtype=dtype, attn_implementation="eager",
                                             device_map="cuda")
    model.eval()
    torch.cuda.synchronize()
    t1 = time.perf_counter()
    sp = spm.SentencePieceProcessor(model_file=args.model + "/tokenizer.model")
    with open(args.text, encoding="utf-8") as f:
        sentences = [line.strip() for line in f if line.strip()]
    ids = [[1] + sp.encode(s) for s in sentences]

    def run_all():
        n_tokens, nll_total = 0, 0.0
        for s0 in range(0, len(ids), args.batch):
            chunk = ids[s0:s0 + args.batch]
            T = max(len(s) for s in chunk)
            batch = torch.zeros(len(chunk), T, dtype=torch.int64)
            mask = torch.zeros(len(chunk), T, dtype=torch.int64)
            for i, s in enumerate(chunk):
                batch[i, :len(s)] = torch.tensor(s)
                mask[i, :len(s)] = 1
            batch, mask = batch.cuda(), mask.cuda()
            out = model(input_ids=batch, attention_mask=mask, output_attentions=True)
            logp = torch.log_softmax(out.logits[:, :-1].float(), -1)
            nll = -logp.gather(-1, batch[:, 1:].unsqueeze(-1)).squeeze(-1) * mask[:, 1:]
            nll_total += float(nll.sum())
            assert len(out.attentions) == model.config.num_hidden_layers
            n_tokens += sum(len(s) for s in chunk)
        torch.cuda.synchronize()
        return n_tokens, nll_total

    with torch.inference_mode():
        run_all()  # warm-up: kernels chosen and caches filled, as lmgaze's first batch does
        t2 = time.perf_counter()
        n_tokens, nll_total = run_all()
        t3 = time.perf_counter()
    print(json.dumps({
        "impl": "transformers", "label": args.label, "sentences": len(ids), "tokens": n_tokens,
        "batch": args.batch, "dtype": args.dtype, "load_s": t1 - t0, "forward_s": t3 - t2,
        "tokens_per_s": n_tokens / (t3 - t2), "nll_per_token": nll_total / (n_tokens - len(ids)),
        "peak_gpu_mib": torch.cuda.max_memory_allocated() / 2**20,
        "device": torch.cuda.get_device_name(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
