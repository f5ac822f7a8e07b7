#!/usr/bin/env bash
# lmgaze on one CUDA GPU: build against the Python environment's CUDA LibTorch,
# check that the distributed extraction gives the same file on the GPU as the
# one-rank run (and as the CPU), and measure the bf16 throughput of LLaMA
# shapes (1B, 7B) with random weights against their forward FLOPs and the
# GPU's peak, next to Hugging Face transformers on the same checkpoint.
#
#   bash bench/gpu/run_gpu_bench.sh [--deps TARBALL] [--out DIR] [--skip SECTION ...]
#
# Sections run in order, each bounded in time, each appending to DIR:
#   build        cmake + ninja against $(python3 -c 'import torch; ...cmake_prefix_path')
#   invariance   toy-l and gpt2-toy, fp32: cpu N=1 vs cuda N=1, and cuda N=2 S=2,
#                N=4 S=2, N=4 S=1 (ranks sharing the GPU) vs cuda N=1
#   1b, 7b       random-weight checkpoint, `lmgaze extract --device cuda --dtype bf16`,
#                FLOPs and fraction of peak, then transformers' forward with attentions
# --deps unpacks a tarball of Debian libraries (MPI, parallel HDF5, Boost, Eigen,
# SentencePiece, GoogleTest) into / without replacing any file already there,
# for a machine that has a compiler, CMake and PyTorch but not those.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${OUT:-$root/out/gpu}
deps=""
boost_dir=""
src=$root
skip=" "
while [ $# -gt 0 ]; do
  case "$1" in
    --deps) deps=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --src) src=$2; shift 2 ;;
    --skip) skip="$skip$2 "; shift 2 ;;
    *) echo "usage: run_gpu_bench.sh [--deps TARBALL] [--out DIR] [--src DIR] [--skip SECTION]" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
exec > >(tee -a "$out/gpu_log.txt") 2>&1
t0=$(date +%s)
log() { echo "[$(date +%T) +$(($(date +%s) - t0))s] $*"; }
wanted() { [[ "$skip" != *" $1 "* ]]; }
work=${LMGAZE_GPU_WORK:-/tmp/lmgaze-gpu}
build=$work/build
mkdir -p "$work"
py=$(command -v python3)
dev=${LMGAZE_BENCH_DEVICE:-cuda}  # cpu: a dry run of the script's logic without a GPU
batches=${LMGAZE_BENCH_BATCHES:-64 256}  # micro-batch sizes measured per shape
baseline=${LMGAZE_BENCH_BASELINE:-1}     # 0: skip the transformers baseline
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_pml=ob1 OMPI_MCA_btl=self,vader
export PYTHONUNBUFFERED=1

log "machine"
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv,noheader
grep PRETTY_NAME /etc/os-release
nproc
"$py" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name())'
for t in g++ cmake ninja nvcc mpicc h5pcc pkg-config; do printf '%s: %s\n' "$t" "$(command -v $t || echo none)"; done
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
  b=$work/boost/usr
  mkdir -p "$b/include" "$b/lib/x86_64-linux-gnu/cmake"
  ln -sfn "$work/deps/usr/include/boost" "$b/include/boost"
  cp -a "$work"/deps/usr/lib/x86_64-linux-gnu/cmake/*oost* "$b/lib/x86_64-linux-gnu/cmake/"
  cp -a "$work"/deps/usr/lib/x86_64-linux-gnu/libboost_* "$b/lib/x86_64-linux-gnu/"
  boost_dir=$(ls -d "$b"/lib/x86_64-linux-gnu/cmake/Boost-* | head -1)
  echo "  boost: $boost_dir"
  # The HDF5 wrapper links -lcrypto -lcurl -lsz -lz: give each a development
  # link where only the runtime library is installed.
  for l in crypto curl sz z; do
    d=/usr/lib/x86_64-linux-gnu
    if [ ! -e "$d/lib$l.so" ]; then
      so=$(ls "$d"/lib$l.so.* 2>/dev/null | head -1)
      [ -n "$so" ] && ln -s "$so" "$d/lib$l.so" && echo "  linked $d/lib$l.so -> $so"
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
    timeout 300 mpirun -np "$n" --bind-to none "$lmgaze" extract --model "$model" --text "$text" \
      --out "$f" --device "$dev" --dtype "$dt" --batch "$batch" --stages "$s" \
      --ranks-per-gpu "$n" "$@" 2>"$work/$name.err"
  fi
  local rc=$?
  tr '\r' '\n' <"$work/$name.err" | grep -vE "sentences, [0-9]+ tokens/s" | tail -6
  return $rc
}

if wanted invariance; then
  log "invariance"
  corpus 4 "$work/demo4.txt"
  for m in toy-l gpt2-toy; do
    model=$root/data/models/$m
    extract "$m-cpu" 1 1 cpu fp32 "$model" "$work/demo4.txt" 8 || log "$m cpu failed"
    extract "$m-cuda1" 1 1 "$dev" fp32 "$model" "$work/demo4.txt" 8 || log "$m cuda N=1 failed"
    "$py" "$here/compare_h5.py" "$work/$m-cpu.h5" "$work/$m-cuda1.h5" --tol 1e-5 | tee -a "$out/invariance.jsonl"
    for layout in "2 2" "4 2" "4 1"; do
      set -- $layout
      extract "$m-cuda$1s$2" "$1" "$2" "$dev" fp32 "$model" "$work/demo4.txt" 8 || log "$m N=$1 S=$2 failed"
      "$py" "$here/compare_h5.py" "$work/$m-cuda1.h5" "$work/$m-cuda$1s$2.h5" --tol 1e-6 | tee -a "$out/invariance.jsonl"
    done
  done
fi

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
peak=989.4  # H100 SXM / H200 data sheet, dense bf16 tensor core TFLOP/s
log "matmul 8192^3 bf16: $measured TFLOP/s measured, $peak data sheet"

for shape in 1b 7b; do
  wanted "$shape" || continue
  log "$shape: checkpoint"
  ckpt=$work/llama-$shape
  timeout 240 "$py" "$here/random_llama.py" "$ckpt" --shape "$shape" --dtype bf16 \
    --tokenizer-from "$root/data/models/toy-l" || { log "$shape checkpoint failed"; continue; }
  copies=40; [ "$shape" = 7b ] && copies=20
  corpus $copies "$work/text-$shape.txt"
  for batch in $batches; do
    log "$shape: lmgaze extract, batch $batch"
    nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 >"$work/mem-$shape.txt" &
    smi=$!
    extract "llama-$shape-b$batch" 1 1 "$dev" bf16 "$ckpt" "$work/text-$shape.txt" "$batch"
    kill $smi 2>/dev/null
    secs=$(tr '\r' '\n' <"$work/llama-$shape-b$batch.err" | sed -n 's/.* tokens in \([0-9.]*\) s .*/\1/p' | tail -1)
    echo "  peak GPU memory used: $(sort -n "$work/mem-$shape.txt" | tail -1) MiB"
    [ -n "$secs" ] && "$py" "$here/throughput.py" --model "$ckpt" --attention "$work/llama-$shape-b$batch.h5" \
      --seconds "$secs" --label "lmgaze $shape bf16 batch $batch" --peak-tflops "$peak" \
      --measured-tflops "$measured" | tee -a "$out/throughput.jsonl"
  done
  [ "$baseline" = 1 ] || { rm -rf "$ckpt"; continue; }
  log "$shape: transformers baseline"
  timeout 240 "$py" "$here/hf_baseline.py" --model "$ckpt" --text "$work/text-$shape.txt" --batch 64 \
    2> >(grep -v Warning | tail -5 >&2) | tee -a "$out/throughput.jsonl"
  rm -rf "$ckpt"
done
log "done"
