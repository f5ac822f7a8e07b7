#!/bin/bash
# Whole-process timing of `lmgaze resemblance` against the same in-sample
# resemblance in batched numpy (bench/numpy_resemblance.py), side by side on
# the 65B-shaped problem of bench_resemblance (80 layers x 64 heads,
# 148 sentences / 8093 word pairs, 56 synthetic readers).
#
#   bench/bench_analysis_vs_numpy.sh BUILD_DIR [RUNS] [DIR]
#   (RUNS default 7; DIR default /tmp/lmgaze_vs_numpy; CORE=k pins to core k,
#    default 1)
#
# Builds nothing: BUILD_DIR must hold lmgaze and bench/bench_resemblance. The
# inputs are written once (bench_resemblance DIR --write-only) and one
# untimed run of each process warms the page cache. Then RUNS rounds, each
# timing three whole processes one after another, the order rotating from
# round to round: lmgaze; numpy with one numpy.linalg.lstsq per layer for all
# readers; numpy with the normal equations. Every process runs under
# `taskset -c CORE` with one BLAS and OpenMP thread; its wall time is taken
# around the process (date +%s%N), start-up and output included, and its
# processor time (user + system) too, which other load on the machine
# inflates less.
#
# Both sides do the same work: lmgaze resemblance with default options fits
# every (layer, reader), computes the per-head maps (each reader on each head
# alone) and the noise ceiling, and writes resemblance.csv,
# resemblance_summary.csv, resemblance_heads.csv and resemblance.json; the
# numpy script computes the same quantities and writes the same three tables.
# bench/compare_resemblance.py then checks every R² against a bound derived
# from the data. Prints a table (wall min and median, processor time median,
# ratios) and the start-up time of `lmgaze --version`.
set -euo pipefail

build=$(cd "${1:?usage: bench_analysis_vs_numpy.sh BUILD_DIR [RUNS] [DIR]}" && pwd)
runs=${2:-7}
dir=${3:-/tmp/lmgaze_vs_numpy}
core=${CORE:-1}
here=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3  # Debian's, with numpy and h5py
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
# One process, no launcher: Open MPI as root needs these.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

mkdir -p "$dir"
if [[ ! -f $dir/model.h5 || ! -f $dir/human.h5 ]]; then
  "$build/bench/bench_resemblance" "$dir" --write-only
fi

lmgaze_cmd=("$build/lmgaze" resemblance --model "$dir/model.h5" --human "$dir/human.h5"
  --group L2 --out "$dir/lmgaze")
numpy_cmd() {  # $1: lstsq | normal
  echo "$python" "$here/numpy_resemblance.py" --model "$dir/model.h5" --human "$dir/human.h5" \
    --group L2 --out "$dir/numpy_$1" --solver "$1"
}
# One whole process, pinned, its output to $dir/log: prints its wall time in
# microseconds and its processor time (user + system, from /usr/bin/time,
# 10 ms resolution) as "wall,cpu".
wall() {
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f "%U %S" -o "$dir/cpu" taskset -c "$core" "$@" >>"$dir/log" 2>&1
  t1=$(date +%s%N)
  echo "$(((t1 - t0) / 1000)),$(awk '{printf "%d", ($1 + $2) * 1e6}' "$dir/cpu")"
}

: >"$dir/log"
kinds=(lmgaze lstsq normal)
run_kind() {
  case $1 in
    lmgaze) wall "${lmgaze_cmd[@]}" ;;
    *) wall $(numpy_cmd "$1") ;;  # paths without spaces
  esac
}
for k in "${kinds[@]}"; do run_kind "$k" >/dev/null; done  # warm the page cache
declare -A times
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 0; i < runs; ++i)); do
  for ((j = 0; j < 3; ++j)); do
    k=${kinds[$(((i + j) % 3))]}
    times[$k]+="$(run_kind "$k") "
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
version=""
for ((i = 0; i < 5; ++i)); do version+="$(wall "$build/lmgaze" --version) "; done

for k in lstsq normal; do
  echo "== agreement, lmgaze vs numpy ($k)"
  "$python" "$here/compare_resemblance.py" "$dir/lmgaze" "$dir/numpy_$k" "$dir/model.h5" \
    "$dir/human.h5" L2
done

"$python" - "${times[lmgaze]}" "${times[lstsq]}" "${times[normal]}" "$version" \
  "$load_before" "$load_after" "$runs" "$core" <<'EOF'
import statistics, sys
def parse(arg):  # "wall,cpu wall,cpu ..." in microseconds -> ([wall s], [cpu s])
    pairs = [tuple(int(v) / 1e6 for v in t.split(",")) for t in arg.split()]
    return [p[0] for p in pairs], [p[1] for p in pairs]
lm, lstsq, normal, version = (parse(a) for a in sys.argv[1:5])
load_before, load_after, runs, core = sys.argv[5:9]
med = statistics.median
print(f"== whole processes, {runs} alternating rounds, taskset -c {core}, 1 BLAS thread; "
      f"load average before {load_before}, after {load_after}")
print(f"{'process':42s} {'wall min s':>10s} {'wall median s':>13s} {'cpu median s':>12s}")
rows = [("lmgaze resemblance", lm), ("numpy, one lstsq per layer (all readers)", lstsq),
        ("numpy, normal equations per layer", normal)]
for name, (wall, cpu) in rows:
    print(f"{name:42s} {min(wall):10.3f} {med(wall):13.3f} {med(cpu):12.3f}")
for name, (wall, cpu) in rows[1:]:
    print(f"ratio {name} / lmgaze: wall min {min(wall) / min(lm[0]):.2f}x, "
          f"wall median {med(wall) / med(lm[0]):.2f}x, cpu median {med(cpu) / med(lm[1]):.2f}x")
print(f"lmgaze --version (start-up): wall min {min(version[0]):.3f} s, "
      f"median {med(version[0]):.3f} s (5 runs)")
EOF
