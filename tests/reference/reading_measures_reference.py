#!/usr/bin/python3
"""Per-word reading measures (METHODS.md section 11) computed with numpy,
independently of lmgaze (src/human/reading_measures.cpp), on a synthetic
data set this script also makes.

Writes into OUT_DIR:
  text.txt               3 articles of made-up sentences (4-12 words)
  fixations.csv          lmgaze's plain fixations CSV: two groups of readers
                         reading with refixations, regressions, skips,
                         re-reading and fixations off the words; one reader
                         misses an article
  expected_measures.csv  what `lmgaze human measures` must write for the store
                         imported from those two files

For word w of a trial, with the fixations on words in time order
(off-word fixations dropped), positions P of the fixations on w and q the
first position on a word right of w:
  first pass = P[P < q]; skip = no first-pass fixation;
  ffd = duration at the first first-pass position p0;
  gd = durations of the run of positions p0, p0+1, ... on w;
  trt = durations over P; nfix = |P|;
  reg_in = some p in P whose predecessor is right of w;
  reg_out = the position after that run is left of w.

Run: python3 reading_measures_reference.py OUT_DIR
"""
import csv
import os
import sys

import numpy as np

MEASURES = ["ffd", "gd", "trt", "nfix", "skip", "reg_in", "reg_out"]


def measures(words, durations, n):
    """words, durations: one trial in time order (-1: off the words)."""
    keep = words >= 0
    w_seq, d_seq = words[keep], durations[keep]
    out = np.full((n, len(MEASURES)), np.nan)
    for w in range(n):
        pos = np.flatnonzero(w_seq == w)
        right = np.flatnonzero(w_seq > w)
        q = right[0] if len(right) else len(w_seq)
        first_pass = pos[pos < q]
        trt = d_seq[pos].sum() if len(pos) else 0.0
        reg_in = float(any(p > 0 and w_seq[p - 1] > w for p in pos))
        if len(first_pass) == 0:
            out[w] = [np.nan, np.nan, trt, len(pos), 1.0, reg_in, 0.0]
            continue
        p0 = first_pass[0]
        end = p0
        while end < len(w_seq) and w_seq[end] == w:
            end += 1
        gd = d_seq[p0:end].sum()
        reg_out = float(end < len(w_seq) and w_seq[end] < w)
        out[w] = [d_seq[p0], gd, trt, len(pos), 0.0, reg_in, reg_out]
    return out


def simulate_trial(rng, n):
    """A reading of n words: mostly forward, with refixations, skips,
    regressions (and the re-reading after them) and off-word fixations."""
    words = []
    pos, rightmost = 0, 0
    while len(words) < 4 * n:
        words.append(pos)
        r = rng.random()
        if r < 0.07:
            words.append(-1)  # a fixation off the words
        r = rng.random()
        if r < 0.15:
            continue  # refixation
        if r < 0.30 and pos > 0:
            pos = int(rng.integers(0, pos))  # regression
        elif r < 0.45:
            pos = pos + 2  # skip one word
        else:
            pos = pos + 1
        if pos >= n:
            break
        rightmost = max(rightmost, pos)
    words = np.array(words, dtype=int)
    durations = rng.integers(80, 400, size=len(words)).astype(float)
    return words, durations


def fmt(v):
    if np.isnan(v):
        return ""
    return str(int(v)) if v == int(v) else repr(float(v))


def main():
    out_dir = sys.argv[1]
    rng = np.random.default_rng(20261130)
    articles = []
    for a in range(3):
        sentences = []
        for s in range(int(rng.integers(2, 4))):
            n = int(rng.integers(4, 13))
            sentences.append(" ".join(f"w{a}{s}{k}" for k in range(n)) + ".")
        articles.append(sentences)
    with open(os.path.join(out_dir, "text.txt"), "w") as f:
        f.write("\n\n".join("\n".join(s) for s in articles) + "\n")

    readers = [("L1", "r1"), ("L1", "r2"), ("L1", "r3"), ("L2", "r1"), ("L2", "r4")]
    fix_rows, expected = [], []
    for group, subject in readers:
        for a, sentences in enumerate(articles):
            if (group, subject, a) == ("L1", "r2", 1):
                continue  # this reader has no data for article 1
            for s, sentence in enumerate(sentences):
                n = len(sentence.split(" "))
                words, durations = simulate_trial(rng, n)
                for k, (w, d) in enumerate(zip(words, durations)):
                    fix_rows.append([group, subject, a, s, k + 1, w, int(d)])
                m = measures(words, durations, n)
                for w in range(n):
                    expected.append([subject, group, a, s, w, sentence.split(" ")[w]] +
                                    [fmt(v) for v in m[w]])
    # lmgaze's order: groups by name, readers in natural order, corpus order.
    expected.sort(key=lambda r: (r[1], r[0], r[2], r[3], r[4]))
    rng.shuffle(fix_rows)  # row order is not fixation order
    with open(os.path.join(out_dir, "fixations.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["group", "subject", "article", "sentence", "fixation", "word", "duration_ms"])
        w.writerows(fix_rows)
    with open(os.path.join(out_dir, "expected_measures.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["subject", "group", "article", "sentence", "word", "text"] + MEASURES)
        w.writerows(expected)


if __name__ == "__main__":
    main()
