#!/usr/bin/env python3
"""Tiny random checkpoints saved by transformers itself, and transformers' own
eager attention and next-token NLL on them, for tests/model/test_families.cpp.

Run once on a machine with transformers and torch (the GPU machine of
DEVELOPERS.md carries both); commit the output directory. CI needs neither:
the test compares lmgaze against the committed expected.json and skips when
the directory is absent.

  python3 tests/reference/make_transformers_fixtures.py tests/data/transformers

For each family: OUT/<name>/ holds what save_pretrained wrote (config.json as
this transformers version writes it, safetensors, sharded for some) and
expected.json in forward_numpy.py's schema:
  {"model_type": ..., "transformers": version,
   "sequences": [{"ids": [...], "attention": [layer][head][query][key],
                  "nll": [t]}]}
computed by the model reloaded from OUT/<name> in float32 with
attn_implementation="eager" and output_attentions=True.
"""
import json
import os
import sys

import torch
import transformers
from transformers import AutoModelForCausalLM

# The sequences of tests/model/test_families.cpp (kSeqs); ids < 40.
SEQS = [[1, 17, 33, 5, 9, 21, 38, 2, 11, 30, 7, 25], [1, 3, 39, 12, 8, 6]]
V5 = int(transformers.__version__.split(".")[0]) >= 5


def rope(theta, scaling=None):
    """Rotary keys as this transformers version spells them."""
    if V5:
        p = {"rope_type": "default", "rope_theta": theta}
        if scaling:
            p.update(scaling)
        return {"rope_parameters": p}
    out = {"rope_theta": theta}
    if scaling:
        out["rope_scaling"] = scaling
    return out


BASE = dict(vocab_size=40, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
            num_attention_heads=4, max_position_embeddings=64)

FAMILIES = {
    # name: (config class name, keyword arguments, saved dtype, max shard size)
    "llama": ("LlamaConfig", dict(BASE, num_key_value_heads=2, attention_bias=True,
                                  tie_word_embeddings=True,
                                  **rope(500.0, {"rope_type": "llama3", "factor": 4.0,
                                                 "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                                 "original_max_position_embeddings": 8})),
              torch.bfloat16, "20KB"),
    "mistral": ("MistralConfig", dict(BASE, num_key_value_heads=2, sliding_window=4,
                                      **rope(700.0)), torch.float32, None),
    "qwen2": ("Qwen2Config", dict(BASE, num_key_value_heads=2, tie_word_embeddings=True,
                                  **rope(900.0)), torch.float32, None),
    "gemma": ("GemmaConfig", dict(BASE, num_key_value_heads=1, head_dim=16,
                                  hidden_activation="gelu_pytorch_tanh", **rope(600.0)),
              torch.float32, None),
    "phi3": ("Phi3Config", dict(BASE, num_key_value_heads=2, sliding_window=5,
                                partial_rotary_factor=0.5, pad_token_id=0, **rope(400.0)),
             torch.float16, None),
    "gpt_neox": ("GPTNeoXConfig", dict(BASE, rotary_pct=0.5, rotary_emb_base=300,
                                       use_parallel_residual=True, hidden_act="gelu"),
                 torch.float32, None),
    "olmo2": ("Olmo2Config", dict(BASE, num_key_value_heads=2, **rope(800.0)), torch.float32,
              None),
    "qwen3": ("Qwen3Config", dict(BASE, num_key_value_heads=2, head_dim=16, **rope(500.0)),
              torch.float32, None),
    "gemma2": ("Gemma2Config", dict(BASE, num_key_value_heads=2, head_dim=8,
                                    query_pre_attn_scalar=32, attn_logit_softcapping=2.0,
                                    final_logit_softcapping=3.0, sliding_window=3,
                                    **rope(600.0)), torch.float32, None),
}


def randomize(model, gemma_norms):
    """Weights large enough that attention is far from uniform."""
    g = torch.Generator().manual_seed(7)
    with torch.no_grad():
        for name, p in model.named_parameters():
            r = torch.randn(p.shape, generator=g)
            if "norm" in name and name.endswith("weight"):
                p.copy_(0.2 * r if gemma_norms else 1 + 0.2 * r)
            elif name.endswith("bias"):
                p.copy_(0.1 * r)
            else:
                p.copy_(0.3 * r)


def expected(model_dir):
    kw = {"dtype": torch.float32} if V5 else {"torch_dtype": torch.float32}
    model = AutoModelForCausalLM.from_pretrained(model_dir, attn_implementation="eager", **kw)
    model.eval()
    seqs = []
    for ids in SEQS:
        x = torch.tensor([ids])
        with torch.no_grad():
            out = model(x, output_attentions=True)
        logp = torch.log_softmax(out.logits[0].double(), -1)
        nll = [float(-logp[t, ids[t + 1]]) for t in range(len(ids) - 1)]
        seqs.append({"ids": ids, "nll": nll,
                     "attention": [a[0].double().tolist() for a in out.attentions]})
    return seqs


def main():
    out = sys.argv[1]
    for name, (cls, kwargs, dtype, shard) in FAMILIES.items():
        config = getattr(transformers, cls)(**kwargs)
        torch.manual_seed(0)
        model = AutoModelForCausalLM.from_config(config, attn_implementation="eager")
        randomize(model, name.startswith("gemma"))
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        save = {"max_shard_size": shard} if shard else {}
        model.to(dtype).save_pretrained(d, **save)
        result = {"model_type": config.model_type, "transformers": transformers.__version__,
                  "sequences": expected(d)}
        with open(os.path.join(d, "expected.json"), "w") as f:
            json.dump(result, f)
        print(name, "->", d)


if __name__ == "__main__":
    main()
