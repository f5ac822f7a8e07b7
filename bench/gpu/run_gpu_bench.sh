#!/usr/bin/env bash
# lmgaze on one CUDA GPU, as one script for a GPU machine at hand for minutes:
# build against the Python environment's CUDA LibTorch, check that the GPU gives
# the same files as the CPU, as other rank layouts and as transformers' own
# attention, and measure throughput and weight loading of LLaMA shapes with
# random weights next to transformers and to research-style code. Ends with a
# table (summarise.py) of the JSON lines each section appended to DIR.
#
#   bash bench/gpu/run_gpu_bench.sh [--deps TARBALL] [--out DIR] [--src DIR]
#                                   [--build DIR] [--skip SECTION ...]
#
# Sections, in order, with their time on an H200 (build and checkpoints
# included; ~9 minutes in all, each command bounded by `timeout`):
#   build         ~90 s   cmake + ninja against $(python3 -c 'import torch; ...cmake_prefix_path')
#   invariance    ~30 s   toy-l and gpt2-toy, fp32: cpu N=1 vs cuda N=1, and cuda N=2 S=2,
#                         N=4 S=2, N=4 S=1 (ranks sharing the GPU) vs cuda N=1
#   throughput    ~3 min  1B and 7B (sections 1b and 7b; --skip throughput skips both):
#                         random-weight checkpoint, `lmgaze extract --device cuda --dtype
#                         bf16` per micro-batch size (FLOPs, fraction of peak), then
#                         transformers' batched forward with attentions (hf_baseline.py)
#                         and research-style one-sentence-at-a-time extraction with the word
#                         merge in numpy (paper_style.py, 256 sentences)
#   identity      ~40 s   1B, 32 sentences: lmgaze's bf16 (plain and with a prefix) and
#                         fp32 files against transformers' eager attention merged to words by
#                         paper_style.py, and their next-token loss sums (bounds in
#                         paper_style.identity_bounds)
#   loads-per-job ~20 s   `lmgaze run` of loads_per_job.ini (1B, three conditions): how many
#                         times the weights were loaded (the goal is one per model)
#   load          ~40 s   7B weight loading, GB/s: from the page cache, then cold (the
#                         checkpoint's pages dropped with posix_fadvise, and drop_caches
#                         where writable). On a virtual machine "cold" can still be served
#                         by the host's cache; the page-cache note says what was dropped.
#   pipeline13b   ~2.5 min 13B (26 GB bf16) on one GPU in one stage and in two (mpirun -np 2,
#                         --stages 2, ranks sharing the GPU): tokens/s, peak GPU memory per
#                         process (gpu_memory.py), and the two files compared
#   summary               summarise.py DIR: the table
#
# --deps unpacks the tarball that bench/gpu/make_deps.sh makes on a Debian
# machine (MPI, parallel HDF5, Boost, Eigen, nlohmann-json, SentencePiece, ICU,
# libzip, GoogleTest; its MANIFEST lists packages and versions) into / without
# replacing any file already there, for a machine that has a compiler, CMake
# and PyTorch but not those.
#
# Dry run without a GPU: LMGAZE_BENCH_DEVICE=cpu runs every section's logic on
# the CPU with the `tiny` shape in place of 1B/7B/13B and one copy of the text,
# skipping what needs CUDA PyTorch; with --build DIR it uses an existing build.
# LMGAZE_BENCH_PYTHON picks the python (numpy and h5py needed).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${OUT:-$root/out/gpu}
deps=""
boost_dir=""
src=$root
build=""
skip=" "
while [ $# -gt 0 ]; do
  case "$1" in
    --deps) deps=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --src) src=$2; shift 2 ;;
    --build) build=$2; skip="${skip}build "; shift 2 ;;
    --skip) skip="$skip$2 "; shift 2 ;;
    *) echo "usage: run_gpu_bench.sh [--deps TARBALL] [--out DIR] [--src DIR] [--build DIR] [--skip SECTION]" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
exec > >(tee -a "$out/gpu_log.txt") 2>&1
t0=$(date +%s)
log() { echo "[$(date +%T) +$(($(date +%s) - t0))s] $*"; }
wanted() { [[ "$skip" != *" $1 "* ]]; }
work=${LMGAZE_GPU_WORK:-/tmp/lmgaze-gpu}
build=${build:-$work/build}
mkdir -p "$work"
py=${LMGAZE_BENCH_PYTHON:-$(command -v python3)}
dev=${LMGAZE_BENCH_DEVICE:-cuda}  # cpu: a dry run of the script's logic without a GPU
batches=${LMGAZE_BENCH_BATCHES:-64 256}  # micro-batch sizes measured per shape
baseline=${LMGAZE_BENCH_BASELINE:-1}     # 0: skip the transformers and paper-style baselines
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_pml=ob1 OMPI_MCA_btl=self,vader
export PYTHONUNBUFFERED=1
# Transformers and paper-style runs need PyTorch with CUDA and transformers.
if [ "$dev" = cuda ] && "$py" -c 'import torch, transformers; assert torch.cuda.is_available()' 2>/dev/null; then
  cuda_torch=1
else
  cuda_torch=0
fi
# The shape a section runs: the real one on the GPU, `tiny` in a dry run.
shape_of() { if [ "$dev" = cpu ]; then echo tiny; else echo "$1"; fi; }
copies_of() { if [ "$dev" = cpu ]; then echo 1; else echo "$1"; fi; }

log "machine"
command -v nvidia-smi >/dev/null &&
  nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv,noheader
grep PRETTY_NAME /etc/os-release
nproc
"$py" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.is_available())' ||
  echo "torch: none"
for t in g++ cmake ninja nvcc mpicc mpirun h5pcc pkg-config; do printf '%s: %s\n' "$t" "$(command -v $t || echo none)"; done
df -h /tmp | tail -1

if [ -n "$deps" ]; then
  log "deps: unpacking $deps into / (existing files kept)"
  for p in /usr/include/boost /usr/include/eigen3 /usr/lib/x86_64-linux-gnu/openmpi /usr/include/hdf5; do
    [ -e "$p" ] && echo "  already there: $p"
  done
  # Boost from the tarball, alone in its own prefix: headers and library
  # match, and its include directory carries no other header (a second
  # nlohmann_json, say) ahead of the system's.
  mkdir -p "$work/deps" && tar -xJf "$deps" -C "$work/deps" && cp -an "$work/deps/." / && ldconfig
  sed -n '2,7p' "$work/deps/usr/share/lmgaze-deps/MANIFEST" 2>/dev/null | sed 's/^/  /'
  b=$work/boost/usr
  mkdir -p "$b/include" "$b/lib/x86_64-linux-gnu/cmake"
  ln -sfn "$work/deps/usr/include/boost" "$b/include/boost"
  cp -a "$work"/deps/usr/lib/x86_64-linux-gnu/cmake/*oost* "$b/lib/x86_64-linux-gnu/cmake/"
  cp -a "$work"/deps/usr/lib/x86_64-linux-gnu/libboost_* "$b/lib/x86_64-linux-gnu/"
  boost_dir=$(find "$b/lib/x86_64-linux-gnu/cmake" -maxdepth 1 -name 'Boost-*' | sort | head -1)
  echo "  boost: $boost_dir"
  # The HDF5 wrapper links -lcrypto -lcurl -lsz -lz: give each a development
  # link where only the runtime library is installed.
  for l in crypto curl sz z; do
    d=/usr/lib/x86_64-linux-gnu
    if [ ! -e "$d/lib$l.so" ]; then
      so=$(find "$d" -maxdepth 1 -name "lib$l.so.*" | sort | head -1)
      [ -n "$so" ] && ln -sfn "$so" "$d/lib$l.so" && echo "  linked $d/lib$l.so -> $so"
    fi
  done
fi
# The wrapper's own check compiles against the shared library.
export HDF5_USE_SHLIB=yes

if wanted build; then
  log "build"
  torch_prefix=$("$py" -c 'import torch; print(torch.utils.cmake_prefix_path)')
  cuda_root=$(dirname "$(dirname "$(command -v nvcc)")")
  rm -rf "$build"
  if ! timeout 300 cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$torch_prefix" -DCUDAToolkit_ROOT="$cuda_root" \
      -DTORCH_CUDA_ARCH_LIST=9.0 ${boost_dir:+-DBoost_DIR="$boost_dir"} >"$out/cmake.log" 2>&1; then
    tail -40 "$out/cmake.log"
    echo 'int main(void) { return 0; }' >"$work/h5test.c"
    h5pcc -show "$work/h5test.c"; (cd "$work" && h5pcc h5test.c -o h5test) 2>&1 | tail -5
    log "configure failed"; exit 1
  fi
  grep -E "Found (MPI|HDF5|Boost|Torch)|CUDA|cuDNN|Caffe2" "$out/cmake.log" | head -20
  if ! timeout 420 cmake --build "$build" -j "$(nproc)" --target lmgaze >"$out/build.log" 2>&1; then
    grep -E "error|Error" "$out/build.log" | head -30; tail -20 "$out/build.log"; log "build failed"; exit 1
  fi
  # The target lmgaze builds lmgaze-model too, the executable that runs the model.
  log "built"; ldd "$build/lmgaze-model" | grep -E "not found|torch_cuda|mpi|hdf5" | head
fi
lmgaze=$build/lmgaze
if [ ! -x "$lmgaze" ] || [ ! -x "$build/lmgaze-model" ]; then
  log "no lmgaze and lmgaze-model in $build"; exit 1
fi

# The demo text, K copies as K articles (one blank line between them).
corpus() {
  "$py" - "$root/data/text/demo.txt" "$1" "$2" <<'EOF'
import sys
text = open(sys.argv[1], encoding="utf-8").read().strip("\n")
open(sys.argv[3], "w", encoding="utf-8").write("\n\n".join([text] * int(sys.argv[2])) + "\n")
EOF
}

extract() {  # extract NAME RANKS STAGES DEVICE DTYPE MODEL TEXT BATCH [extra...]
  local name=$1 n=$2 s=$3 dev=$4 dt=$5 model=$6 text=$7 batch=$8
  shift 8
  local f=$work/$name.h5
  rm -f "$f"
  if [ "$n" -eq 1 ]; then
    timeout 300 "$lmgaze" extract --model "$model" --text "$text" --out "$f" --device "$dev" \
      --dtype "$dt" --batch "$batch" "$@" 2>"$work/$name.err"
  else
    local share=()
    [ "$dev" = cuda ] && share=(--ranks-per-gpu "$n")
    timeout 300 mpirun -np "$n" --bind-to none "$lmgaze" extract --model "$model" --text "$text" \
      --out "$f" --device "$dev" --dtype "$dt" --batch "$batch" --stages "$s" \
      "${share[@]}" "$@" 2>"$work/$name.err"
  fi
  local rc=$?
  tr '\r' '\n' <"$work/$name.err" | grep -vE "sentences, [0-9]+ tokens/s" | tail -6
  return $rc
}
seconds_of() {  # the extraction time in an extract log
  tr '\r' '\n' <"$work/$1.err" | sed -n 's/.* tokens in \([0-9.]*\) s .*/\1/p' | tail -1
}

# A random-weight checkpoint of a LLaMA shape, made once and kept until dropped.
checkpoint() {  # checkpoint SHAPE -> prints its directory
  local dir=$work/llama-$1
  if [ ! -f "$dir/config.json" ]; then
    timeout 300 "$py" "$here/random_llama.py" "$dir" --shape "$1" --dtype bf16 \
      --tokenizer-from "$root/data/models/toy-l" >&2 || { rm -rf "$dir"; return 1; }
  fi
  echo "$dir"
}
drop_checkpoint() { rm -rf "$work/llama-$1"; }

if wanted invariance; then
  log "invariance"
  corpus 4 "$work/demo4.txt"
  for m in toy-l gpt2-toy; do
    model=$root/data/models/$m
    extract "$m-cpu" 1 1 cpu fp32 "$model" "$work/demo4.txt" 8 || log "$m cpu failed"
    extract "$m-cuda1" 1 1 "$dev" fp32 "$model" "$work/demo4.txt" 8 || log "$m cuda N=1 failed"
    "$py" "$here/compare_h5.py" "$work/$m-cpu.h5" "$work/$m-cuda1.h5" --tol 1e-5 | tee -a "$out/invariance.jsonl"
    for layout in "2 2" "4 2" "4 1"; do
      read -r n s <<<"$layout"
      extract "$m-cuda${n}s$s" "$n" "$s" "$dev" fp32 "$model" "$work/demo4.txt" 8 || log "$m N=$n S=$s failed"
      "$py" "$here/compare_h5.py" "$work/$m-cuda1.h5" "$work/$m-cuda${n}s$s.h5" --tol 1e-6 | tee -a "$out/invariance.jsonl"
    done
  done
fi

peak=989.4  # H100 SXM / H200 data sheet, dense bf16 tensor core TFLOP/s
measured=0
if [ "$cuda_torch" = 1 ]; then
  # A large bf16 product: the peak this GPU reaches on a matrix multiply.
  measured=$("$py" - <<'EOF'
import time, torch
a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
b = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
for _ in range(3): a @ b
torch.cuda.synchronize(); t = time.perf_counter()
for _ in range(10): a @ b
torch.cuda.synchronize()
print("%.1f" % (10 * 2 * 8192**3 / (time.perf_counter() - t) / 1e12))
EOF
)
  log "matmul 8192^3 bf16: $measured TFLOP/s measured, $peak data sheet"
fi

for size in 1b 7b; do
  if ! wanted throughput || ! wanted "$size"; then continue; fi
  shape=$(shape_of "$size")
  log "$size: checkpoint ($shape)"
  ckpt=$(checkpoint "$shape") || { log "$size checkpoint failed"; continue; }
  copies=40; [ "$size" = 7b ] && copies=20
  text=$work/text-$size.txt
  corpus "$(copies_of $copies)" "$text"
  for batch in $batches; do
    log "$size: lmgaze extract, batch $batch"
    if command -v nvidia-smi >/dev/null; then
      nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 >"$work/mem-$size.txt" &
      smi=$!
    fi
    extract "llama-$size-b$batch" 1 1 "$dev" bf16 "$ckpt" "$text" "$batch"
    [ -n "${smi:-}" ] && kill "$smi" 2>/dev/null && echo "  peak GPU memory used: $(sort -n "$work/mem-$size.txt" | tail -1) MiB"
    smi=""
    secs=$(seconds_of "llama-$size-b$batch")
    [ -n "$secs" ] && "$py" "$here/throughput.py" --model "$ckpt" --attention "$work/llama-$size-b$batch.h5" \
      --seconds "$secs" --label "lmgaze $size bf16 batch $batch" --peak-tflops "$peak" \
      --measured-tflops "$measured" | tee -a "$out/throughput.jsonl"
    rm -f "$work/llama-$size-b$batch.h5"
  done
  if [ "$baseline" != 1 ] || [ "$cuda_torch" != 1 ]; then
    log "$size: baselines skipped (no CUDA PyTorch, or LMGAZE_BENCH_BASELINE=0)"
    continue
  fi
  log "$size: transformers baseline"
  timeout 240 "$py" "$here/hf_baseline.py" --model "$ckpt" --text "$text" --batch 64 \
    --label "transformers $size bf16 batch 64" \
    2> >(grep -v Warning | tail -5 >&2) | tee -a "$out/throughput.jsonl"
  log "$size: paper-style baseline (one sentence at a time, merge in numpy)"
  timeout 240 "$py" "$here/paper_style.py" --model "$ckpt" --text "$text" --max-sentences 256 \
    --label "paper-style $size bf16" \
    2> >(grep -v Warning | tail -5 >&2) | tee -a "$out/throughput.jsonl"
done

if wanted identity; then
  log "identity: lmgaze vs transformers' eager attention"
  ckpt=$(checkpoint "$(shape_of 1b)") && corpus 1 "$work/text-identity.txt" && {
    extract identity-bf16 1 1 "$dev" bf16 "$ckpt" "$work/text-identity.txt" 64
    extract identity-bf16-prefix 1 1 "$dev" bf16 "$ckpt" "$work/text-identity.txt" 64 \
      --prefix "Please translate this sentence into German:"
    extract identity-fp32 1 1 "$dev" fp32 "$ckpt" "$work/text-identity.txt" 64
    if [ "$cuda_torch" = 1 ]; then
      timeout 300 "$py" "$here/paper_style.py" --model "$ckpt" --compare "$work/identity-bf16.h5" \
        --compare "$work/identity-bf16-prefix.h5" --compare "$work/identity-fp32.h5" \
        2> >(grep -v Warning | tail -5 >&2) | tee -a "$out/identity.jsonl"
    else
      log "identity: transformers side skipped (no CUDA PyTorch)"
    fi
  }
fi

if wanted loads-per-job; then
  log "loads-per-job: lmgaze run, one model in three conditions"
  ckpt=$(checkpoint "$(shape_of 1b)") && corpus 1 "$work/text-job.txt" && {
    rm -rf "$work/job-out"
    export LMGAZE_BENCH_MODEL=$ckpt LMGAZE_BENCH_TEXT=$work/text-job.txt LMGAZE_BENCH_OUT=$work/job-out
    timeout 60 "$lmgaze" plan --job "$here/loads_per_job.ini" 2>&1 | grep -iE "extract|stage" | head -8
    timeout 300 "$lmgaze" run --job "$here/loads_per_job.ini" >"$work/job-run.log" 2>&1 ||
      { tail -5 "$work/job-run.log"; log "lmgaze run failed"; }
    tr '\r' '\n' <"$work/job-run.log" | grep -E "loaded .* of weights|; loading " | sed 's/^/  /'
    "$py" "$here/load_rate.py" --log "$work/job-run.log" --checkpoint "$ckpt" \
      --label "lmgaze run, 1 model x 3 conditions" --set job_models=1 --set job_conditions=3 |
      tee -a "$out/loads_per_job.jsonl"
  }
fi
[ "$(shape_of 1b)" = "$(shape_of 7b)" ] || drop_checkpoint "$(shape_of 1b)"

# The resident page-cache size, GB.
cached_gb() { awk '/^Cached:/ { printf "%.1f", $2 / 1e6 }' /proc/meminfo; }
# Drops FILES from the page cache: posix_fadvise per file (after fsync: dirty
# pages cannot be dropped), then drop_caches for everything where writable,
# on the GPU machine only (a dry run leaves a shared machine's cache alone).
evict() {
  "$py" - "$@" <<'EOF'
import os, sys
for path in sys.argv[1:]:
    fd = os.open(path, os.O_RDONLY)
    os.fsync(fd)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)
EOF
  if [ "$dev" = cuda ] && [ -w /proc/sys/vm/drop_caches ]; then
    sync && echo 1 >/proc/sys/vm/drop_caches && echo "posix_fadvise + drop_caches" && return
  fi
  echo "posix_fadvise"
}

if wanted load; then
  log "load: 7B weights, warm and cold"
  ckpt=$(checkpoint "$(shape_of 7b)") && corpus 1 "$work/text-load.txt" && {
    extract load-warm 1 1 "$dev" bf16 "$ckpt" "$work/text-load.txt" 64
    "$py" "$here/load_rate.py" --log "$work/load-warm.err" --checkpoint "$ckpt" \
      --label "lmgaze $(shape_of 7b) warm" --note "in the page cache (read just before)" |
      tee -a "$out/load.jsonl"
    before=$(cached_gb)
    how=$(evict "$ckpt"/*.safetensors)
    note="$how: page cache $before -> $(cached_gb) GB"
    echo "  $note"
    extract load-cold 1 1 "$dev" bf16 "$ckpt" "$work/text-load.txt" 64
    "$py" "$here/load_rate.py" --log "$work/load-cold.err" --checkpoint "$ckpt" \
      --label "lmgaze $(shape_of 7b) cold" --note "$note" | tee -a "$out/load.jsonl"
  }
fi
drop_checkpoint "$(shape_of 7b)"

if wanted pipeline13b; then
  log "pipeline13b: 13B in one stage and in two on one GPU"
  shape=$(shape_of 13b)
  ckpt=$(checkpoint "$shape") && corpus "$(copies_of 20)" "$work/text-13b.txt" && {
    for stages in 1 2; do
      label="lmgaze 13b bf16 $stages stage$([ "$stages" = 2 ] && echo s)"
      "$py" "$here/gpu_memory.py" --label "$label" >"$work/mem-13b-s$stages.json" &
      mon=$!
      extract "llama-13b-s$stages" "$stages" "$stages" "$dev" bf16 "$ckpt" "$work/text-13b.txt" 64
      kill -TERM "$mon" 2>/dev/null  # gone already where there is no nvidia-smi
      wait "$mon"
      tee -a "$out/pipeline.jsonl" <"$work/mem-13b-s$stages.json"
      secs=$(seconds_of "llama-13b-s$stages")
      [ -n "$secs" ] && "$py" "$here/throughput.py" --model "$ckpt" --attention "$work/llama-13b-s$stages.h5" \
        --seconds "$secs" --label "$label" --peak-tflops "$peak" --measured-tflops "$measured" |
        tee -a "$out/pipeline.jsonl"
    done
    # Expected identical: stage 1 receives stage 0's hidden state in the
    # model's dtype, bit for bit, and both layouts run the same micro-batches
    # through the same kernels. The bound allows one bf16 rounding unit
    # (2^-8, absolute on probabilities, relative on loss sums): what another
    # reduction order in one product could change; more would mean that the
    # stages computed something else.
    timeout 120 "$py" "$here/compare_h5.py" "$work/llama-13b-s1.h5" "$work/llama-13b-s2.h5" \
      --tol 0.00390625 | tee -a "$out/pipeline.jsonl"
    rm -f "$work"/llama-13b-s*.h5
  }
  drop_checkpoint "$shape"
fi

log "summary"
"$py" "$here/summarise.py" "$out"
log "done"
