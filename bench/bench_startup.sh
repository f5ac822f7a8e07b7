#!/usr/bin/env bash
# Start-up of commands that run no model: best of N wall times.
#
#   bash bench/bench_startup.sh [--lmgaze PATH] [--runs N]
#
# Prepares, in a temporary directory, a small real problem from what ships
# with the repository (simulated readers of data/text/demo.txt imported into a
# human store; data/models/toy-m extracted over the same text), then times,
# --runs times each (default 5), one process without mpirun:
#   version      lmgaze --version
#   help         lmgaze resemblance --help
#   resemblance  lmgaze resemblance on toy-m (4 layers x 4 heads, 32
#                sentences) and the 20 simulated L1 readers
# and prints the best and the median of each, with the load average, since
# the figure is meant for a quiet machine.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
lmgaze=$here/build/lmgaze
runs=5
while [ $# -gt 0 ]; do
  case $1 in
    --lmgaze) lmgaze=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "bench_startup: unknown option $1" >&2; exit 2 ;;
  esac
done
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
text=$here/data/text/demo.txt
"$lmgaze" human simulate --text "$text" --out "$scratch/fix.csv" > /dev/null
"$lmgaze" human import --text "$text" --fixations "$scratch/fix.csv" --out "$scratch/human.h5" > /dev/null
"$lmgaze" extract --model "$here/data/models/toy-m" --text "$text" --out "$scratch/toym.h5" > /dev/null 2>&1

# Prints "best median" of the wall times of --runs runs of the command.
time_runs() {
  local times=()
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s.%N)
    "$@" > /dev/null 2>&1
    t1=$(date +%s.%N)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{v[NR]=$1} END {printf "best %.3f s, median %.3f s\n", v[1], v[int((NR+1)/2)]}'
}

echo "lmgaze: $lmgaze; $runs runs each; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "version:     $(time_runs "$lmgaze" --version)"
echo "help:        $(time_runs "$lmgaze" resemblance --help)"
echo "resemblance: $(time_runs "$lmgaze" resemblance --model "$scratch/toym.h5" --human "$scratch/human.h5" --group L1 --out "$scratch/res")"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
