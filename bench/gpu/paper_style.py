#!/usr/bin/env python3
"""The study's attention extraction done the way research code does it, as a
baseline for `lmgaze extract` and as an independent check of what it computes.

  paper_style.py --model DIR --text FILE [--max-sentences N] [--dtype bf16] [--prefix P] [--label T]
  paper_style.py --model DIR --compare LMGAZE_BF16.h5 --compare LMGAZE_FP32.h5 [--max-sentences N]
  paper_style.py --self-test

Throughput (--text): one sentence at a time through transformers'
LlamaForCausalLM (eager attention, output_attentions=True, labels for the
loss), every layer's attention copied to the host, and merged to word level
head by head in numpy (METHODS.md 2.3-2.5): BOS and prefix rows and columns
dropped, the columns of each word's tokens summed, the rows of each word's
tokens averaged, no renormalisation. Tokens and their words come from the
checkpoint's tokenizer.model (BOS first) with SentencePiece's byte offsets,
mapped to words by the rule of METHODS.md 2.4. Prints one JSON line
(tokens/s over the timed sentences, load time, NLL per token), as
hf_baseline.py does.

Identity (--compare): for each lmgaze attention file, transformers reads the
file's own token ids (/tokens/ids; its /tokens/word gives the words; the
file's text, retokenized here, must give the same ids and words), in the
file's dtype and in fp32, and prints one JSON line: the largest difference of
the word-level attention and the relative difference of the next-token loss
sums, against the bounds in identity_bounds().

--self-test checks the merge and the token-to-word rule on small hand-made
arrays; it needs numpy only (torch, transformers, sentencepiece and h5py are
imported when a model runs).
"""
import argparse
import json
import sys
import time

import numpy as np

FP32_ATTENTION_TOL = 1e-4       # absolute, word-level attention (values in [0, 1])
NTP_REL_TOL = 1e-4              # relative, summed next-token loss


# ---------------------------------------------------------------- words


def word_spans(sentence):
    """Byte spans (begin, end) of the whitespace-separated words of a sentence."""
    data = sentence.encode("utf-8")
    spans, pos = [], 0
    for word in sentence.split():
        w = word.encode("utf-8")
        begin = data.index(w, pos)
        spans.append((begin, begin + len(w)))
        pos = begin + len(w)
    return spans


def map_tokens_to_words(token_spans, text, spans, sentence_begin):
    """Word of each token (-1: prefix) from byte offsets (METHODS.md 2.4).

    text: the encoded bytes (prefix + b" " + sentence, or the sentence);
    spans: the words' byte spans inside the sentence, which starts at byte
    sentence_begin of text; token_spans: (begin, end) of each token in text.
    A token takes the owner of its non-whitespace bytes; a whitespace-only or
    zero-width token takes the owner of the next non-whitespace byte at or
    after it. A token reaching two owners is an error.
    """
    NOBODY, PREFIX = -2, -1
    owner = [NOBODY] * len(text)
    for b in range(sentence_begin):
        if text[b] not in b" \t\n\r\v\f":  # ASCII whitespace belongs to nobody
            owner[b] = PREFIX
    for w, (begin, end) in enumerate(spans):
        for b in range(sentence_begin + begin, sentence_begin + end):
            owner[b] = w
    next_owner = [NOBODY] * (len(text) + 1)
    for b in range(len(text) - 1, -1, -1):
        next_owner[b] = owner[b] if owner[b] != NOBODY else next_owner[b + 1]
    words = []
    for t, (begin, end) in enumerate(token_spans):
        owners = {owner[b] for b in range(begin, end)} - {NOBODY}
        if len(owners) > 1:
            raise ValueError("token %d (bytes %d-%d) spans %s" % (t, begin, end, sorted(owners)))
        w = owners.pop() if owners else next_owner[begin]
        if w == NOBODY:
            raise ValueError("token %d comes after the last word" % t)
        if words and w < words[-1]:
            raise ValueError("token %d goes back from word %d to %d" % (t, words[-1], w))
        words.append(w)
    missing = set(range(len(spans))) - set(words)
    if missing:
        raise ValueError("words %s get no token" % sorted(missing))
    return words


# ---------------------------------------------------------------- merge


def merge_head(att, token_word):
    """One head's token attention [T, T] -> word attention [n, n] (float64).

    Rows and columns of tokens with word -1 (BOS, prefix) are dropped; then
    the columns of each word's tokens are summed and the rows of each word's
    tokens averaged. Words are consecutive runs of tokens (token_word is
    non-decreasing), so both are np.add.reduceat over the runs' starts.
    """
    token_word = np.asarray(token_word)
    keep = np.flatnonzero(token_word >= 0)
    w = token_word[keep]
    starts = np.flatnonzero(np.r_[True, w[1:] != w[:-1]])
    counts = np.diff(np.r_[starts, len(w)])
    a = np.asarray(att, dtype=np.float64)[np.ix_(keep, keep)]
    col_sums = np.add.reduceat(a, starts, axis=1)                 # [T', n]
    return np.add.reduceat(col_sums, starts, axis=0) / counts[:, None]  # [n, n]


def merge_layer(att, token_word):
    """[H, T, T] -> [H, n, n], head by head as research code loops over heads."""
    return np.stack([merge_head(att[h], token_word) for h in range(att.shape[0])])


def packed_tril(words):
    """[H, n, n] -> [H, n(n+1)/2]: rows (0,0), (1,0), (1,1), (2,0), ... as lmgaze stores them."""
    i, j = np.tril_indices(words.shape[-1])
    return words[..., i, j]


# ---------------------------------------------------------------- bounds


def identity_bounds(hf_bf16_roundoff):
    """Largest allowed |lmgaze - transformers| of word-level attention.

    fp32: both compute the same products in fp32 (TF32 off, the default of
    both), in different orders and shapes (lmgaze batches padded sentences,
    transformers reads one): relative differences of a few fp32 ulps per
    operation, ~1e-6 after 22 layers, well inside FP32_ATTENTION_TOL.

    bf16: no fixed number bounds the difference of two bf16 forwards through
    22 layers of random weights, because the roundings of each layer's
    activations feed the next. What does hold: if F is the exact result
    (fp32 stands in for it, within the fp32 tolerance) and e_X the largest
    |X_bf16 - F| of implementation X, then by the triangle inequality
    |lmgaze_bf16 - hf_bf16| <= e_lmgaze + e_hf. lmgaze rounds no more than
    transformers does (the same bf16 products with fp32 accumulation, the
    scores rounded to bf16 by both, but lmgaze keeps the softmax in fp32
    where transformers rounds the probabilities to bf16, an extra u*p with
    u = 2^-8, bf16's unit roundoff), so
    e_lmgaze <= e_hf and the bound is 2 e_hf + 2 * FP32_ATTENTION_TOL, with
    e_hf measured here as max |hf_bf16 - hf_fp32|. A word-level value is a
    mean of sums of probabilities (at most 1), so e_hf is at least about
    u/2 = 2e-3 wherever a value near 1 is rounded, and a wrong merge (a
    column averaged instead of summed, a row of another word) moves values
    by tenths, far outside the bound.
    """
    return {"fp32": FP32_ATTENTION_TOL, "bf16": 2.0 * hf_bf16_roundoff + 2.0 * FP32_ATTENTION_TOL}


# ---------------------------------------------------------------- model runs


def load_model(model_dir, dtype_name):
    import torch
    from transformers import LlamaForCausalLM
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[dtype_name]
    model = LlamaForCausalLM.from_pretrained(model_dir, dtype=dtype, attn_implementation="eager",
                                             device_map="cuda")
    model.eval()
    return model


def forward_sentence(model, ids, token_word):
    """One sentence: word attention of every layer [L][H, n, n] and its summed NLL."""
    import torch
    x = torch.tensor([ids], device="cuda")
    # Predicted: every token of the sentence after the first input token; BOS
    # and the prefix are context only (label -100 is ignored by the loss).
    labels = torch.tensor([[i if (t > 0 and w >= 0) else -100
                            for t, (i, w) in enumerate(zip(ids, token_word))]], device="cuda")
    n_predicted = int((labels[0, 1:] != -100).sum())
    with torch.inference_mode():
        out = model(input_ids=x, labels=labels, output_attentions=True)
    host = [a[0].float().cpu().numpy() for a in out.attentions]  # every layer to the host
    words = [merge_layer(a, token_word) for a in host]
    nll_sum = float(out.loss) * n_predicted if n_predicted else 0.0
    return words, nll_sum, n_predicted


def tokenize(sp, sentence, prefix, bos_id):
    """Input ids (BOS first unless bos_id is None) and the word of each, as lmgaze tokenizes."""
    text = prefix + " " + sentence if prefix else sentence
    begin = len(prefix.encode("utf-8")) + 1 if prefix else 0
    pieces = sp.encode(text, out_type="immutable_proto").pieces
    token_word = map_tokens_to_words([(p.begin, p.end) for p in pieces], text.encode("utf-8"),
                                     word_spans(sentence), begin)
    if bos_id is None:
        return [p.id for p in pieces], token_word
    return [bos_id] + [p.id for p in pieces], [-1] + token_word


def throughput(args):
    import sentencepiece as spm
    import torch
    t0 = time.perf_counter()
    model = load_model(args.model, args.dtype)
    torch.cuda.synchronize()
    load_s = time.perf_counter() - t0
    sp = spm.SentencePieceProcessor(model_file=args.model + "/tokenizer.model")
    with open(args.text, encoding="utf-8") as f:
        sentences = [line.strip() for line in f if line.strip()]
    if args.max_sentences:
        sentences = sentences[:args.warmup + args.max_sentences]
    bos = model.config.bos_token_id
    for s in sentences[:args.warmup]:  # kernels chosen, caches filled
        forward_sentence(model, *tokenize(sp, s, args.prefix, bos))
    torch.cuda.synchronize()
    timed = sentences[args.warmup:]
    n_tokens, nll_total, n_predicted = 0, 0.0, 0
    t1 = time.perf_counter()
    for s in timed:
        ids, token_word = tokenize(sp, s, args.prefix, bos)
        _, nll, n = forward_sentence(model, ids, token_word)
        n_tokens += len(ids)
        nll_total += nll
        n_predicted += n
    seconds = time.perf_counter() - t1
    print(json.dumps({
        "impl": "paper-style", "label": args.label, "sentences": len(timed), "tokens": n_tokens, "batch": 1,
        "dtype": args.dtype, "load_s": load_s, "forward_s": seconds,
        "tokens_per_s": n_tokens / seconds, "nll_per_token": nll_total / max(1, n_predicted),
        "peak_gpu_mib": torch.cuda.max_memory_allocated() / 2**20,
        "device": torch.cuda.get_device_name(), "torch": torch.__version__}))


def read_lmgaze(path, max_sentences):
    """What the identity check needs of an lmgaze attention file."""
    import h5py
    with h5py.File(path, "r") as h:
        n = len(h["sentences/n_words"])
        if max_sentences:
            n = min(n, max_sentences)
        offset = h["tokens/offset"][: n + 1]
        pair_offset = h["sentences/pair_offset"][: n + 1]
        text = bytes(h["sentences/text"][()]).decode("utf-8")
        text_offset = h["sentences/text_offset"][: n + 1]
        enc = text.encode("utf-8")
        attr = lambda k: h.attrs[k].decode() if isinstance(h.attrs[k], bytes) else str(h.attrs[k])
        return {
            "n": n, "dtype": attr("dtype"), "prefix": attr("prefix"),
            "n_layers": int(h.attrs["n_layers"]),
            "ids": [h["tokens/ids"][offset[s]:offset[s + 1]].tolist() for s in range(n)],
            "word": [h["tokens/word"][offset[s]:offset[s + 1]].tolist() for s in range(n)],
            "sentences": [enc[text_offset[s]:text_offset[s + 1]].decode("utf-8") for s in range(n)],
            "attention": [h["attention/layer_%03d" % l][:, : pair_offset[n]]
                          for l in range(int(h.attrs["n_layers"]))],
            "pair_offset": pair_offset,
            "nll_sum": h["ntp/nll_sum"][:n], "ntp_tokens": h["ntp/n_tokens"][:n],
        }


def run_on(model, f):
    """transformers' word attention [L][H, pairs] packed as lmgaze packs it, and NLL sums."""
    per_layer = [[] for _ in range(f["n_layers"])]
    nll, npred = [], []
    for ids, token_word in zip(f["ids"], f["word"]):
        words, s, n = forward_sentence(model, ids, token_word)
        for l, w in enumerate(words):
            per_layer[l].append(packed_tril(w))
        nll.append(s)
        npred.append(n)
    return [np.concatenate(p, axis=1) for p in per_layer], np.array(nll), np.array(npred)


def compare(args):
    import sentencepiece as spm
    import torch
    files = [read_lmgaze(p, args.max_sentences) for p in args.compare]
    sp = spm.SentencePieceProcessor(model_file=args.model + "/tokenizer.model")
    with open(args.model + "/config.json") as c:
        bos = json.load(c).get("bos_token_id")
    hf = {}  # dtype -> file -> transformers' results: each file in its own dtype and in fp32
    for dtype in sorted({f["dtype"] for f in files} | {"fp32"}):
        model = load_model(args.model, dtype)
        hf[dtype] = {p: run_on(model, f) for p, f in zip(args.compare, files)
                     if dtype in (f["dtype"], "fp32")}
        del model
        torch.cuda.empty_cache()
    for path, f in zip(args.compare, files):
        att, nll, npred = hf[f["dtype"]][path]
        att32 = hf["fp32"][path][0]
        roundoff = max(float(np.max(np.abs(a - b))) for a, b in zip(att, att32))
        tol = identity_bounds(roundoff)[f["dtype"] if f["dtype"] == "fp32" else "bf16"]
        diff = [np.abs(a.astype(np.float64) - b) for a, b in zip(f["attention"], att)]
        worst_layer = int(np.argmax([d.max() for d in diff]))
        max_diff = float(diff[worst_layer].max())
        # BOS as the file has it: its first input token, when that is the config's BOS.
        retok = [tokenize(sp, s, f["prefix"], bos if ids[0] == bos else None)
                 for s, ids in zip(f["sentences"], f["ids"])]
        tokens_match = all(r == (ids, w) for r, ids, w in zip(retok, f["ids"], f["word"]))
        ntp_total_rel = abs(float(f["nll_sum"].sum()) - float(nll.sum())) / abs(float(nll.sum()))
        ntp_sentence_rel = float(np.max(np.abs(f["nll_sum"] - nll) / np.maximum(np.abs(nll), 1e-30)))
        problems = []
        if not tokens_match:
            problems.append("retokenized ids or words differ from the file's")
        if not np.array_equal(npred, f["ntp_tokens"]):
            problems.append("predicted-token counts differ")
        if max_diff > tol:
            problems.append("attention differs by %.3g > %.3g (layer %d)" % (max_diff, tol, worst_layer))
        if ntp_total_rel > NTP_REL_TOL:
            problems.append("NTP sum differs by %.3g relative > %.0e" % (ntp_total_rel, NTP_REL_TOL))
        print(json.dumps({
            "check": "identity", "file": path, "dtype": f["dtype"], "sentences": f["n"],
            "values": int(sum(a.size for a in att)), "tokens_match": tokens_match,
            "attention_max_abs_diff": max_diff, "at_layer": worst_layer,
            "attention_mean_abs_diff": float(np.mean([d.mean() for d in diff])),
            "attention_tol": tol, "hf_bf16_vs_fp32": roundoff,
            "ntp_total_rel_diff": ntp_total_rel, "ntp_max_sentence_rel_diff": ntp_sentence_rel,
            "ntp_tol": NTP_REL_TOL, "ok": not problems, "problems": problems}))
        sys.stdout.flush()


# ---------------------------------------------------------------- self-test


def self_test():
    # Hand-computed: BOS, "Hel", "lo" (word 0), "world" (word 1).
    a = np.array([[1.0, 0, 0, 0],
                  [0.5, 0.5, 0, 0],
                  [0.2, 0.3, 0.5, 0],
                  [0.1, 0.2, 0.3, 0.4]])
    tw = [-1, 0, 0, 1]
    # W[0][0] = mean(A[1][1] + A[1][2], A[2][1] + A[2][2]) = mean(0.5, 0.8) = 0.65
    # W[0][1] = mean(A[1][3], A[2][3]) = 0;  W[1][0] = A[3][1] + A[3][2] = 0.5;  W[1][1] = 0.4
    want = np.array([[0.65, 0.0], [0.5, 0.4]])
    got = merge_head(a, tw)
    assert np.allclose(got, want, atol=1e-15), got
    assert np.allclose(packed_tril(got[None])[0], [0.65, 0.5, 0.4])
    # Rows are not renormalised after BOS is dropped: 0.65 and 0.9.
    assert np.allclose(got.sum(axis=1), [0.65, 0.9])

    # Prefix tokens dropped like BOS; a word of three tokens averaged over three rows.
    b = np.tril(np.arange(1.0, 37.0).reshape(6, 6))
    tw = [-1, -1, 0, 1, 1, 1]  # BOS, prefix, w0, w1 x3
    got = merge_head(b, tw)
    want = np.array([[b[2, 2], 0.0],
                     [np.mean([b[t, 2] for t in (3, 4, 5)]),
                      np.mean([b[t, 3:6].sum() for t in (3, 4, 5)])]])
    assert np.allclose(got, want), (got, want)

    # Several heads and layers, random causal softmax rows, against the
    # definition written as loops.
    rng = np.random.default_rng(0)
    T, H = 9, 3
    tw = [-1, 0, 0, 1, 2, 2, 2, 3, 4]
    n = 5
    s = rng.standard_normal((H, T, T))
    s[:, np.triu_indices(T, 1)[0], np.triu_indices(T, 1)[1]] = -np.inf
    p = np.exp(s - s.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    got = merge_layer(p, tw)
    for h in range(H):
        for i in range(n):
            rows = [t for t in range(T) if tw[t] == i]
            for j in range(n):
                cols = [u for u in range(T) if tw[u] == j]
                want = np.mean([sum(p[h, t, u] for u in cols) for t in rows])
                assert abs(got[h, i, j] - want) < 1e-12
    assert np.all(np.triu(got, 1) == 0)  # causal stays causal

    # Token to word by byte offsets (SentencePiece-style pieces).
    s = "Hello world"
    assert word_spans(s) == [(0, 5), (6, 11)]
    assert map_tokens_to_words([(0, 3), (3, 5), (5, 11)], s.encode(), word_spans(s), 0) == [0, 0, 1]
    # A whitespace-only piece belongs to the word after it ("▁" before digits).
    s = "Year 2023"
    pieces = [(0, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9)]
    assert map_tokens_to_words(pieces, s.encode(), word_spans(s), 0) == [0, 1, 1, 1, 1, 1]
    # Zero-width byte-fallback pieces belong to the character they start.
    s = "a \u00e9t\u00e9"  # é is two bytes
    pieces = [(0, 1), (2, 2), (2, 4), (4, 5), (5, 7)]
    assert map_tokens_to_words(pieces, s.encode(), word_spans(s), 0) == [0, 1, 1, 1, 1]
    # A prefix: its tokens are -1.
    prefix, s = "Translate:", "Hi there"
    text = (prefix + " " + s).encode()
    pieces = [(0, 5), (5, 10), (10, 13), (13, 19)]
    assert map_tokens_to_words(pieces, text, word_spans(s), len(prefix) + 1) == [-1, -1, 0, 1]
    # A token across two words is an error, never a guess.
    try:
        map_tokens_to_words([(0, 7), (7, 11)], b"Hello world", word_spans("Hello world"), 0)
        raise AssertionError("a token across two words was accepted")
    except ValueError:
        pass

    b = identity_bounds(3e-3)
    assert b["fp32"] == FP32_ATTENTION_TOL and abs(b["bf16"] - (6e-3 + 2e-4)) < 1e-15
    print("paper_style self-test passed")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model")
    ap.add_argument("--text")
    ap.add_argument("--compare", action="append", default=[], metavar="LMGAZE.h5")
    ap.add_argument("--dtype", choices=["bf16", "fp16", "fp32"], default="bf16")
    ap.add_argument("--prefix", default="")
    ap.add_argument("--max-sentences", type=int, default=0, help="0: all")
    ap.add_argument("--warmup", type=int, default=8, help="sentences run before timing")
    ap.add_argument("--label", default="", help="e.g. 'paper-style 7b bf16'")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    if args.self_test:
        self_test()
    elif args.model and args.compare:
        compare(args)
    elif args.model and args.text:
        throughput(args)
    else:
        ap.error("give --self-test, or --model with --text or --compare")


if __name__ == "__main__":
    main()
