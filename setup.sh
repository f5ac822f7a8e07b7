#!/usr/bin/env bash
# lmgaze set-up and entry points, for a fresh Debian machine.
#
#   bash setup.sh demo   installs what is missing (apt-get, as root), builds,
#                        and runs the embedded demo study (small models, demo
#                        text, simulated readers) into out/demo/
#   bash setup.sh test   the same set-up, then the whole test suite (ctest)
#   bash setup.sh build  set-up and build only
#
# LMGAZE_BUILD_DIR (default: build/) and LMGAZE_JOBS (default: nproc) adjust it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${LMGAZE_BUILD_DIR:-$here/build}
jobs=${LMGAZE_JOBS:-$(nproc)}

# Debian packages. libopenblas0-pthread matters: Debian's LibTorch takes BLAS
# from the system alternative and falls back to the reference BLAS (about 8x
# slower) without it. libopenblas-dev: the analyses call OpenBLAS directly.
packages=(
  build-essential cmake pkg-config git
  libtorch-dev libopenblas0-pthread libopenblas-dev
  libopenmpi-dev openmpi-bin
  libhdf5-openmpi-dev hdf5-tools
  libeigen3-dev libboost-program-options-dev libboost-math-dev
  libgtest-dev libsentencepiece-dev nlohmann-json3-dev libzip-dev
  libicu-dev xz-utils
  python3 python3-numpy python3-regex python3-h5py
  gnuplot-nox
)

install_missing() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "lmgaze setup: missing Debian packages (run as root to install): ${missing[*]}" >&2
    exit 1
  fi
  echo "lmgaze setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build_all() {
  cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release
  cmake --build "$build" -j "$jobs"
}

# Open MPI refuses to start as root unless told; CI and containers run as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Two ranks on a 2-core machine must not spin against each other.
export OMPI_MCA_mpi_yield_when_idle=1 OMPI_MCA_rmaps_base_oversubscribe=1

run_demo() {
  "$build/lmgaze" run --job "$here/jobs/demo.ini"
}

case "${1:-}" in
  demo) install_missing; build_all; run_demo ;;
  test)
    install_missing
    build_all
    # As root: a real one-node Slurm cluster for tests/slurm (the toy-zoo job via sbatch).
    if [ "$(id -u)" -eq 0 ]; then
      if bash "$here/slurm/ci_cluster.sh"; then
        export LMGAZE_SLURM_REQUIRED=1
      else
        echo "lmgaze setup: no Slurm cluster could be started; tests/slurm will be skipped" >&2
      fi
    fi
    cd "$build"
    ctest --output-on-failure --timeout 600 -j "$jobs"
    ;;
  build) install_missing; build_all ;;
  *)
    echo "usage: bash setup.sh demo|test|build" >&2
    exit 2
    ;;
esac
