#!/usr/bin/env python3
"""The table at the end of run_gpu_bench.sh, from the JSON lines it wrote.

  summarise.py DIR

reads DIR/{throughput,identity,load,loads_per_job,pipeline,invariance}.jsonl
(any may be missing; lines that are not JSON are counted and skipped) and
prints one block per section. Throughput records are told apart by their
label, "<impl> <shape> <dtype> ...", as run_gpu_bench.sh writes them
(impl: lmgaze, transformers or paper-style).
"""
import json
import os
import sys


def read(directory, name):
    path = os.path.join(directory, name + ".jsonl")
    records, bad = [], 0
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError:
                    bad += 1
    if bad:
        print("(%s: %d lines that are not JSON skipped)" % (name, bad))
    return records


def table(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    for r in [header] + rows:
        print("  " + "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())


def num(x, fmt="%.0f"):
    return "-" if x is None else fmt % x


def throughput(records):
    print("throughput (tokens/s; lmgaze and transformers at their best micro-batch)")
    best = {}  # (shape, dtype) -> impl -> (tokens/s, batch)
    for r in records:
        parts = r.get("label", "").split()
        if len(parts) < 3 or "tokens_per_s" not in r:
            continue
        impl, shape, dtype = parts[:3]
        batch = r.get("batch") or (parts[parts.index("batch") + 1] if "batch" in parts else "?")
        cell = best.setdefault((shape, dtype), {})
        if impl not in cell or r["tokens_per_s"] > cell[impl][0]:
            cell[impl] = (r["tokens_per_s"], batch)
    if not best:
        print("  no records")
        return
    rows = []
    for (shape, dtype), cell in sorted(best.items()):
        def show(impl):
            return "%s (batch %s)" % (num(cell[impl][0]), cell[impl][1]) if impl in cell else "-"

        def ratio(other):
            if "lmgaze" in cell and other in cell and cell[other][0] > 0:
                return "%.2fx" % (cell["lmgaze"][0] / cell[other][0])
            return "-"
        rows.append([shape, dtype, show("lmgaze"), show("transformers"), show("paper-style"),
                     ratio("transformers"), ratio("paper-style")])
    table(["shape", "dtype", "lmgaze", "transformers", "paper-style", "lmgaze/transformers",
           "lmgaze/paper-style"], rows)


def identity(records):
    print("identity (lmgaze vs transformers' eager attention merged by paper_style.py)")
    rows = [[r.get("dtype"), r.get("sentences"), "%.3g" % r["attention_max_abs_diff"],
             "%.3g" % r["attention_tol"], "%.3g" % r["ntp_total_rel_diff"], "%.0e" % r["ntp_tol"],
             "yes" if r.get("tokens_match") else "NO", "ok" if r.get("ok") else "FAIL: " +
             "; ".join(r.get("problems", []))]
            for r in records if r.get("check") == "identity"]
    if not rows:
        print("  no records")
        return
    table(["dtype", "sentences", "attention max diff", "bound", "NTP sum rel diff", "bound",
           "same tokens", "result"], rows)


def load(records):
    print("weight loading (GB/s)")
    rows = [[r["label"], num(r.get("gb"), "%.2f"), num(r.get("seconds"), "%.2f"),
             num(r.get("gb_per_s"), "%.2f"), r.get("read_from", ""), r.get("note", "")]
            for r in records if "label" in r]
    if not rows:
        print("  no records")
        return
    table(["run", "GB", "s", "GB/s", "read from", "page cache"], rows)


def loads_per_job(records):
    print("weight loads per job (goal: one per model)")
    if not records:
        print("  no records")
        return
    for r in records:
        models = r.get("job_models", 1)
        verdict = "ok" if r.get("loads") == models else "more than one per model"
        print("  %s: %s load(s) for %s model(s) x %s condition(s), read from the %s: %s" % (
            r.get("label"), r.get("loads"), models, r.get("job_conditions", "?"),
            r.get("read_from"), verdict))


def pipeline(records):
    print("13B pipeline on one GPU (bf16)")
    runs = [r for r in records if "tokens_per_s" in r]
    memory = {r["label"]: r for r in records if "processes" in r or r.get("available") is False}
    if not runs and not memory:
        print("  no records")
    rows = []
    for r in runs:
        m = memory.get(r["label"], {})
        peaks = ", ".join("rank %s: %s" % ("-" if p["rank"] is None else p["rank"], p["peak_mib"])
                          for p in m.get("processes", [])) or "-"
        rows.append([r["label"], num(r["tokens_per_s"]), "%.1f" % r.get("tflops_achieved", 0), peaks])
    if rows:
        table(["run", "tokens/s", "TFLOP/s", "peak GPU MiB per process"], rows)
    for r in records:
        if "max_diff" in r:
            print("  2 stages vs 1 stage: max diff %.3g at %s (bound %.3g): %s" % (
                r["max_diff"], r.get("at") or "-", r["tol"],
                "ok" if not r.get("problems") else "FAIL: " + "; ".join(r["problems"])))


def invariance(records):
    print("invariance (rank layouts and devices)")
    if not records:
        print("  no records")
        return
    bad = [r for r in records if r.get("problems")]
    worst = max(r.get("max_diff", 0.0) for r in records)
    print("  %d comparisons, largest difference %.3g, %s" % (
        len(records), worst, "all within their bounds" if not bad else "%d FAILED" % len(bad)))
    for r in bad:
        print("    %s vs %s: %s" % (r.get("reference"), r.get("other"), "; ".join(r["problems"])))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: summarise.py DIR")
    d = sys.argv[1]
    for name, show in [("throughput", throughput), ("identity", identity), ("load", load),
                       ("loads_per_job", loads_per_job), ("pipeline", pipeline),
                       ("invariance", invariance)]:
        show(read(d, name))
        print()


if __name__ == "__main__":
    main()
