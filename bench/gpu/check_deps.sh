#!/usr/bin/env bash
# Configures lmgaze against a make_deps.sh tarball alone, on the Debian
# machine that made it, where the same packages are installed: inside a
# private mount namespace, /usr gets an overlay in which every file of the
# tarball's packages is hidden and the tarball is unpacked (cp -an, as
# run_gpu_bench.sh --deps does), then cmake configures the project and builds
# the libraries that use Boost, parallel HDF5 and SentencePiece, and mpirun
# starts two ranks. Nothing
# outside the namespace changes (the overlay's layers live under /tmp).
#
#   bash bench/gpu/check_deps.sh TARBALL        (as root; a few minutes)
#
# LibTorch is not in the tarball (a GPU machine brings PyTorch's): here it is
# this machine's, which the check leaves visible.
set -euo pipefail
export LC_ALL=C
tarball=$(realpath "${1:?usage: check_deps.sh TARBALL}")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "check_deps.sh: run as root (mount namespace, overlay)" >&2; exit 2; }
work=$(mktemp -d /tmp/lmgaze-check-deps.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/deps" "$work/upper" "$work/overlay-work"
tar -xJf "$tarball" -C "$work/deps"
manifest=$work/deps/usr/share/lmgaze-deps/MANIFEST

# The steps inside the namespace, as a file (a heredoc on stdin would be read by mpirun).
cat >"$work/inside.sh" <<'EOF'
set -euo pipefail
work=$1 root=$2
mount -t overlay overlay -o "lowerdir=/usr,upperdir=$work/upper,workdir=$work/overlay-work" /usr
# Hide this machine's copies: what the tarball's packages installed, and any
# path the tarball has (the update-alternatives links among them).
sed -n '/^# package version/,$p' "$work/deps/usr/share/lmgaze-deps/MANIFEST" | tail -n +2 |
  cut -d' ' -f1 | xargs dpkg -L 2>/dev/null | grep '^/usr/' >"$work/hide.txt" || true
(cd "$work/deps" && find usr ! -type d | sed 's|^|/|') >>"$work/hide.txt"
sort -u "$work/hide.txt" | while read -r f; do [ -d "$f" ] && [ ! -L "$f" ] || echo "$f"; done |
  xargs -r -d "\n" rm -f
echo "hidden: $(wc -l <"$work/hide.txt") paths; Boost headers left: $(find /usr/include/boost -type f 2>/dev/null | wc -l)"
cp -an "$work/deps/usr/." /usr/
export HDF5_USE_SHLIB=yes
boost_dir=$(find /usr/lib/x86_64-linux-gnu/cmake -maxdepth 1 -name 'Boost-*' | head -1)
if ! cmake -S "$root" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DBoost_DIR="$boost_dir" \
    >"$work/cmake.log" 2>&1; then
  tail -30 "$work/cmake.log"; echo "check_deps: configure failed"; exit 1
fi
grep -E "Found (MPI|HDF5|Boost|GTest|PkgConfig|nlohmann)" "$work/cmake.log"
if ! flock /tmp/lmgaze-build.lock cmake --build "$work/build" -j2 --target lmgaze_cli_options \
    lmgaze_stats lmgaze_io lmgaze_sentencepiece >"$work/build.log" 2>&1; then
  grep -E "error" "$work/build.log" | head -20; echo "check_deps: build failed"; exit 1
fi
# Open MPI's launcher and its plugins, from the tarball, on two local ranks.
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 timeout 60 mpirun -np 2 --oversubscribe true </dev/null ||
  { echo "check_deps: mpirun failed"; exit 1; }
echo "check_deps: configured, built the Boost, HDF5 and SentencePiece libraries and ran mpirun, with the tarball alone"
EOF
unshare -m bash "$work/inside.sh" "$work" "$root"
sed -n '2,7p' "$manifest"
