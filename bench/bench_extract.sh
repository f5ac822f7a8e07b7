#!/usr/bin/env bash
# Extraction speed: `lmgaze extract` against plain PyTorch on the same LibTorch.
#
#   bash bench/bench_extract.sh [--lmgaze PATH] [--runs N] [--threads N]
#                               [--batch N] [--copies N] [--dtype fp32|fp16]
#                               [--wait-policy PASSIVE|ACTIVE]
#
# Generates a GPT-2-small-shaped checkpoint with random weights (n_layer 12,
# n_head 12, n_embd 768, vocab 50257, n_positions 1024; the real GPT-2 BPE
# files) into a temporary directory, builds a corpus of data/text/demo.txt
# repeated --copies times (default 10: 320 sentences), and runs, --runs times
# each (default 3), interleaved:
#   lmgaze   lmgaze extract --model M --text T --out F.h5 --batch N --dtype D
#   torch    bench/bench_extract_torch.py run: the same weights, GPT-2 BPE,
#            forward with every layer's attention probabilities and the
#            next-token NLL, under torch.inference_mode (no merge, no HDF5)
# each under /usr/bin/time -v (wall time, peak RSS). Both get the same
# threads: OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = MKL_NUM_THREADS = N, and
# torch.set_num_threads(N) in Python; the Python is /usr/bin/python3 (Debian's
# python3-torch, the LibTorch lmgaze links), override with PYTHON=.
# --wait-policy sets OMP_WAIT_POLICY for both (default: libgomp's default).
# Debian's LibTorch runs its own ops on OpenMP threads and its GEMMs on
# OpenBLAS's pthreads; by default idle OpenMP threads spin and take the cores
# from the BLAS threads. On a busy machine PASSIVE makes both sides several
# times faster; the ratio is what this benchmark is for, so both get the same.
#
# Prints every run and a summary (median and min-max):
#   e2e tok/s  tokens / process wall time: start-up, weight loading,
#              tokenization, forward (and for lmgaze the word merge and the
#              HDF5 file) -- the headline figure and the ratio
#   work tok/s tokens / (weight loading + extraction), start-up excluded:
#              lmgaze from its final summary line (loading s + extraction s;
#              builds without it: the last progress figure); torch: weight
#              loading + tokenization + forward, after `import torch`
#   fwd tok/s  tokens / the batch loop: lmgaze's extraction seconds (forward,
#              word merge, HDF5 writes); torch: forward only
#   CPU s      user + system CPU seconds of the process (spin-waiting
#              included)
#   peak RSS   maximum resident set size, MiB
# The token ids of both sides are compared (sha1) and must be identical.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
lmgaze=${LMGAZE:-$root/build/lmgaze}
python=${PYTHON:-/usr/bin/python3}
runs=3 threads=2 batch=8 copies=10 dtype=fp32 wait_policy=${OMP_WAIT_POLICY:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --lmgaze) lmgaze=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --copies) copies=$2; shift 2 ;;
    --dtype) dtype=$2; shift 2 ;;
    --wait-policy) wait_policy=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "bench_extract.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -x "$lmgaze" ] || { echo "bench_extract.sh: no lmgaze at $lmgaze (build it, or --lmgaze PATH)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench_extract.sh: needs /usr/bin/time (Debian package time)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench_extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads MKL_NUM_THREADS=$threads
if [ -n "$wait_policy" ]; then export OMP_WAIT_POLICY=$wait_policy; else unset OMP_WAIT_POLICY; fi

echo "== checkpoint: GPT-2-small shape, random weights, $dtype safetensors"
# The checkpoint is stored as --dtype and computed in it on both sides.
"$python" "$here/bench_extract_torch.py" make-checkpoint "$tmp/gpt2-small" --dtype "$dtype"
for ((c = 0; c < copies; ++c)); do
  [ "$c" -gt 0 ] && echo
  cat "$root/data/text/demo.txt"
done > "$tmp/corpus.txt"
echo "== corpus: data/text/demo.txt x $copies = $(grep -c . "$tmp/corpus.txt") sentences"
echo "== threads $threads (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, torch.set_num_threads)," \
  "OMP_WAIT_POLICY ${wait_policy:-default}, batch $batch, $runs runs each, interleaved"
echo "== $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //');" \
  "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# field NAME FILE: a value of /usr/bin/time -v's report.
field() { grep -F "$1" "$2" | sed 's/.*: //'; }
# cpu FILE: user + system seconds
cpu() { awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$1"; }
# seconds of "h:mm:ss" or "m:ss.ss"
to_seconds() { awk -F: '{ s = 0; for (i = 1; i <= NF; ++i) s = s * 60 + $i; print s }' <<< "$1"; }

results=$tmp/results.tsv
: > "$results"
run_lmgaze() {
  local r=$1
  local out=$tmp/out_$r.h5
  /usr/bin/time -v -o "$tmp/time_l$r" "$lmgaze" extract --model "$tmp/gpt2-small" \
    --text "$tmp/corpus.txt" --out "$out" --batch "$batch" --dtype "$dtype" 2> "$tmp/err_l$r" ||
    { cat "$tmp/err_l$r" "$tmp/time_l$r" >&2; exit 1; }
  read -r tokens sha < <("$python" -c '
import hashlib, sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    ids = f["/tokens/ids"][:].astype("<i8")
print(len(ids), hashlib.sha1(ids.tobytes()).hexdigest())' "$out")
  wall=$(to_seconds "$(field 'Elapsed (wall clock)' "$tmp/time_l$r")")
  rss=$(field 'Maximum resident set size' "$tmp/time_l$r")
  # The final summary: "N tokens in E s (R tokens/s); loading L s" (extraction
  # without the weight loading); older builds print only the progress line.
  local summary extract_s load_s fwd
  summary=$(tr '\r' '\n' < "$tmp/err_l$r" | grep -o 'tokens in [0-9.]* s.*loading [0-9.]* s' | tail -1)
  if [ -n "$summary" ]; then
    extract_s=$(sed 's/tokens in \([0-9.]*\) s.*/\1/' <<< "$summary")
    load_s=$(sed 's/.*loading \([0-9.]*\) s/\1/' <<< "$summary")
    loop=$(awk -v t="$tokens" -v e="$extract_s" -v l="$load_s" 'BEGIN { print t / (e + l) }')
    fwd=$(awk -v t="$tokens" -v e="$extract_s" 'BEGIN { print t / e }')
  else
    loop=$(tr '\r' '\n' < "$tmp/err_l$r" | grep -o '[0-9]* tokens/s' | tail -1 | cut -d' ' -f1)
    fwd=nan
  fi
  printf 'lmgaze\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$tokens" "$sha" "$wall" "$loop" "$fwd" \
    "$(cpu "$tmp/time_l$r")" "$rss" \
    "$(cut -d' ' -f1 /proc/loadavg)" >> "$results"
  rm -f "$out"
}

run_torch() {
  local r=$1
  /usr/bin/time -v -o "$tmp/time_t$r" "$python" "$here/bench_extract_torch.py" run \
    --model "$tmp/gpt2-small" --text "$tmp/corpus.txt" --batch "$batch" --threads "$threads" \
    > "$tmp/json_t$r" 2> "$tmp/err_t$r" || { cat "$tmp/err_t$r" "$tmp/time_t$r" >&2; exit 1; }
  read -r tokens sha loop fwd < <("$python" -c '
import json, sys
j = json.load(open(sys.argv[1]))
print(j["tokens"], j["ids_sha1"], j["work_tokens_per_s"], j["forward_tokens_per_s"])' "$tmp/json_t$r")
  wall=$(to_seconds "$(field 'Elapsed (wall clock)' "$tmp/time_t$r")")
  rss=$(field 'Maximum resident set size' "$tmp/time_t$r")
  printf 'torch\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$tokens" "$sha" "$wall" "$loop" "$fwd" \
    "$(cpu "$tmp/time_t$r")" "$rss" \
    "$(cut -d' ' -f1 /proc/loadavg)" >> "$results"
}

# Interleaved, and the order alternates so that neither side always runs first.
for ((r = 1; r <= runs; ++r)); do
  if ((r % 2)); then run_lmgaze "$r"; run_torch "$r"; else run_torch "$r"; run_lmgaze "$r"; fi
  tail -2 "$results" | cut -f1,2,5 | tr '\t' ' ' | sed 's/^/   done: /;s/$/ s/'
done

"$python" - "$results" <<'EOF'
import math, statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
by = {"lmgaze": [], "torch": []}
for side, run, tokens, sha, wall, work, fwd, cpu, rss, load in rows:
    by[side].append(dict(run=int(run), tokens=int(tokens), sha=sha, wall=float(wall),
                         e2e=int(tokens) / float(wall), work=float(work), fwd=float(fwd),
                         cpu=float(cpu),
                         rss=int(rss) / 1024, load=float(load)))
if len({r["sha"] for v in by.values() for r in v}) != 1:
    sys.exit("bench_extract.sh: lmgaze and torch read different token ids")
tokens = by["lmgaze"][0]["tokens"]
head = "%-7s %4s %7s %8s %10s %11s %10s %7s %8s %9s"
line = "%-7s %4d %7d %8.2f %10.1f %11.1f %10s %7.1f %8.0f %9.2f"
print()
print(head % ("side", "run", "tokens", "wall s", "e2e tok/s", "work tok/s", "fwd tok/s",
              "CPU s", "RSS MiB", "load avg"))
for side in ("lmgaze", "torch"):
    for r in by[side]:
        fwd = "-" if math.isnan(r["fwd"]) else "%.1f" % r["fwd"]
        print(line % (side, r["run"], r["tokens"], r["wall"], r["e2e"], r["work"], fwd, r["cpu"],
                      r["rss"], r["load"]))


def summary(key, side):
    v = [r[key] for r in by[side]]
    return "%.1f [%.1f-%.1f]" % (statistics.median(v), min(v), max(v))


print("\nmedian [min-max] over %d runs each; %d tokens; token ids identical on both sides" % (
    len(by["lmgaze"]), tokens))
for side in ("lmgaze", "torch"):
    print("%-7s e2e tok/s %s   work tok/s %s   fwd tok/s %s   CPU s %s   peak RSS MiB %s" % (
        side, summary("e2e", side), summary("work", side), summary("fwd", side),
        summary("cpu", side), summary("rss", side)))
med = {k: {s: statistics.median(r[k] for r in by[s]) for s in by}
       for k in ("e2e", "work", "fwd", "cpu")}
pairs = [l["e2e"] / t["e2e"] for l, t in zip(sorted(by["lmgaze"], key=lambda r: r["run"]),
                                             sorted(by["torch"], key=lambda r: r["run"]))]
print("speed ratio lmgaze/torch (>1: lmgaze faster): e2e tok/s %.2f (interleaved pairs: %s), "
      "work tok/s %.2f, fwd tok/s %.2f, tokens per CPU s %.2f" % (
          med["e2e"]["lmgaze"] / med["e2e"]["torch"], " ".join("%.2f" % x for x in pairs),
          med["work"]["lmgaze"] / med["work"]["torch"], med["fwd"]["lmgaze"] / med["fwd"]["torch"],
          med["cpu"]["torch"] / med["cpu"]["lmgaze"]))
EOF
