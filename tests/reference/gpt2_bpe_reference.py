#!/usr/bin/env python3
"""Independent GPT-2 BPE reference: the algorithm of OpenAI's gpt-2 encoder.py.

Reads vocab.json and merges.txt as that code does (merges: the lines between
the "#version" header and the final newline), splits text with the GPT-2
pattern through the `regex` module, and prints a JSON list of
{"text": sentence, "ids": [...]} for the sentences of a file to stdout.
One addition to encoder.py, as Hugging Face's GPT-2 tokenizers do it:
"<|endoftext|>" in the text is the one special token (id from vocab.json).

Sentence file: a JSON list of strings (*.json, e.g. tests/data/tokenizer_corpus.json),
or UTF-8 text with one sentence per line; there blank lines and lines starting
with "#" are skipped, and the escapes \\t, \\n, \\r and \\\\ stand for tab,
newline, carriage return and backslash, so a sentence can hold them.

Usage: gpt2_bpe_reference.py VOCAB_JSON MERGES_TXT SENTENCES_TXT
"""
import json
import sys

import regex

PATTERN = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(2**8):
        if b not in bs:
            bs.append(b)
            cs.append(2**8 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


END_OF_TEXT = "<|endoftext|>"


def get_pairs(word):
    return set(zip(word, word[1:]))


class Encoder:
    def __init__(self, encoder, bpe_merges):
        self.encoder = encoder
        self.byte_encoder = bytes_to_unicode()
        self.bpe_ranks = dict(zip(bpe_merges, range(len(bpe_merges))))
        self.cache = {}

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token)
        pairs = get_pairs(word)
        if not pairs:
            return [token]
        while True:
            bigram = min(pairs, key=lambda pair: self.bpe_ranks.get(pair, float("inf")))
            if bigram not in self.bpe_ranks:
                break
            first, second = bigram
            new_word = []
            i = 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                except ValueError:
                    new_word.extend(word[i:])
                    break
                new_word.extend(word[i:j])
                i = j
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new_word.append(first + second)
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            word = tuple(new_word)
            if len(word) == 1:
                break
            pairs = get_pairs(word)
        self.cache[token] = list(word)
        return list(word)

    def encode(self, text):
        # Hugging Face's GPT2Tokenizer(Fast), unlike encoder.py, splits out its
        # special token "<|endoftext|>" (unk, bos and eos) before the pattern
        # sees the text: one id, and the stretches around it encoded alone.
        ids = []
        for k, stretch in enumerate(text.split(END_OF_TEXT)):
            if k > 0:
                ids.append(self.encoder[END_OF_TEXT])
            ids.extend(self.encode_ordinary(stretch))
        return ids

    def encode_ordinary(self, text):
        ids = []
        for token in regex.findall(PATTERN, text):
            token = "".join(self.byte_encoder[b] for b in token.encode("utf-8"))
            ids.extend(self.encoder[t] for t in self.bpe(token))
        return ids


def unescape(line):
    out, i = [], 0
    escapes = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line) and line[i + 1] in escapes:
            out.append(escapes[line[i + 1]])
            i += 2
        else:
            out.append(line[i])
            i += 1
    return "".join(out)


def read_sentences(path):
    with open(path, encoding="utf-8") as f:
        if path.endswith(".json"):  # a JSON list of strings (tests/data/tokenizer_corpus.json)
            return json.load(f)
        lines = f.read().split("\n")
    return [unescape(l) for l in lines if l and not l.startswith("#")]


def main():
    vocab_path, merges_path, sentences_path = sys.argv[1:4]
    with open(vocab_path, encoding="utf-8") as f:
        encoder = json.load(f)
    with open(merges_path, encoding="utf-8") as f:
        bpe_data = f.read()
    bpe_merges = [tuple(merge_str.split()) for merge_str in bpe_data.split("\n")[1:-1]]
    enc = Encoder(encoder, bpe_merges)
    result = [{"text": s, "ids": enc.encode(s)} for s in read_sentences(sentences_path)]
    json.dump(result, sys.stdout, ensure_ascii=True)


if __name__ == "__main__":
    main()
