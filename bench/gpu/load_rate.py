#!/usr/bin/env python3
"""Weight loads in `lmgaze extract` / `lmgaze run` output, and their rate.

  load_rate.py --log FILE [--log FILE ...] --label TEXT [--checkpoint DIR] [--note TEXT]
               [--set KEY=NUMBER ...]

lmgaze prints one line per load of a checkpoint's weights,
  extract <model>: loaded <X> GB of weights in <S> s (<R> GB/s)
and, per extraction, a summary ending in `; loading <S> s`. Builds that
print no `loaded` line are read through the summary, with the weights'
size taken as the bytes of the checkpoint's *.safetensors (and *.bin) files
(--checkpoint). Both forms are accepted.

Prints one JSON line: how many loads, the first load's GB, seconds and GB/s,
which form it was read from, and the --set fields (what the caller knows of
the run, such as how many models it had).
"""
import argparse
import glob
import json
import os
import re

LOADED = re.compile(r"extract (\S+): loaded ([0-9.]+) GB of weights in ([0-9.]+) s \(([0-9.]+) GB/s\)")
SUMMARY = re.compile(r"extract (\S+): \d+ sentences, \d+ tokens in [0-9.]+ s .*; loading ([0-9.]+) s")


def checkpoint_gb(directory):
    files = glob.glob(os.path.join(directory, "*.safetensors")) + \
        glob.glob(os.path.join(directory, "*.bin"))
    return sum(os.path.getsize(f) for f in files) / 1e9


def read_loads(text, checkpoint=None):
    """[(model, GB, seconds)] and the form they were read from."""
    lines = text.replace("\r", "\n").splitlines()
    loaded = [m.groups() for m in map(LOADED.search, lines) if m]
    if loaded:
        return [(m, float(gb), float(s)) for m, gb, s, _ in loaded], "loaded line"
    gb = checkpoint_gb(checkpoint) if checkpoint else float("nan")
    summaries = [m.groups() for m in map(SUMMARY.search, lines) if m]
    return [(m, gb, float(s)) for m, s in summaries], "summary line + checkpoint bytes"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--log", action="append", required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("--checkpoint")
    ap.add_argument("--note", default="")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=NUMBER")
    args = ap.parse_args()
    text = ""
    for path in args.log:
        with open(path, encoding="utf-8", errors="replace") as f:
            text += f.read() + "\n"
    loads, form = read_loads(text, args.checkpoint)
    out = {"label": args.label, "loads": len(loads), "read_from": form,
           "models": sorted({m for m, _, _ in loads})}
    if loads:
        _, gb, s = loads[0]
        out.update({"gb": gb, "seconds": s, "gb_per_s": gb / s if s > 0 else None})
    if args.note:
        out["note"] = args.note
    for item in args.set:
        key, value = item.split("=", 1)
        out[key] = float(value) if "." in value else int(value)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
