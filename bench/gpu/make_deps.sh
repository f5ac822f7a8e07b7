#!/usr/bin/env bash
# The tarball that `run_gpu_bench.sh --deps` unpacks: the Debian libraries
# lmgaze's target `lmgaze` needs to configure and build, for a GPU machine that
# has a compiler, CMake and PyTorch but none of them.
#
#   bash bench/gpu/make_deps.sh [OUT.tar.xz]      (as root, on Debian with apt;
#                                                  default ./lmgaze-deps.tar.xz)
#
# The recipe is the list of top-level packages below, what CMakeLists.txt and
# src/*/CMakeLists.txt look for. Nothing is pinned: apt resolves their
# dependencies against an empty package database (so that nothing installed
# here hides a dependency, and nothing is installed here), every package that
# the base system would bring anyway is left out, and the rest is fetched with
# `apt-get download` at whatever version Debian serves today, unpacked with
# `dpkg -x` into one root and packed with `tar -cJf`. The packages and versions
# go into usr/share/lmgaze-deps/MANIFEST inside the tarball and are printed.
#
# Base system (assumed on the target, not in the tarball): build-essential and
# every package of priority required or important, with their dependencies:
# glibc, libstdc++ and libgcc, zlib, OpenSSL's libraries, Perl, and the like.
#
# What the tarball assumes of the target:
#   - x86_64, and a C library at least as new as the one these packages were
#     built against (the MANIFEST names it: glibc 2.36 on Debian 12). Newer
#     releases are fine, Ubuntu 24.04 (glibc 2.39, GCC 13) say, since glibc
#     and libstdc++ keep old symbol versions (an earlier Debian 12 tarball
#     built and ran lmgaze there). An older one (Ubuntu 22.04, glibc 2.35)
#     is not.
#   - it is unpacked over / without replacing files already there (cp -an),
#     then `ldconfig`. A runtime library the target already has (libssl,
#     libcurl, libicu of another version) stays the target's; the tarball's
#     development links (libcrypto.so, libcurl.so, ...) then point at it,
#     which works while the sonames agree.
#   - Boost comes with its own CMake package (Boost-<version>): the script
#     that unpacks it points CMake at it, so that headers and library match
#     even where the target has other Boost headers.
#
# Not run by dpkg -x: the packages' maintainer scripts. Their one effect the
# build needs, the update-alternatives links (mpicc, mpirun, h5pcc, mpi.pc,
# hdf5.pc, /usr/include/x86_64-linux-gnu/mpi, ...), is made here as plain
# symbolic links, read from each package's postinst.
#
# Left out of the unpacked files, since no configure or build step reads them:
# documentation, manual pages and translations; a static archive libX.a where
# the shared libX.so lies beside it (the build links shared); GCC's own
# compiler directories; and the Boost headers that the project's Boost
# includes do not reach (g++ -M over them, so this needs g++ and the
# repository beside the script). The MANIFEST says how much that was.
#
# Takes three to five minutes (most of it xz) and ~500 MB under /tmp; the
# tarball is ~31 MB.
set -euo pipefail
export LC_ALL=C  # one collation for sort and join

# The recipe: what lmgaze's configure step finds (CMakeLists.txt, src/*/CMakeLists.txt).
top_level=(
  libopenmpi-dev openmpi-bin           # find_package(MPI); mpirun for multi-rank runs
  libhdf5-openmpi-dev                  # find_package(HDF5) with HDF5_PREFER_PARALLEL
  libboost-program-options-dev         # find_package(Boost COMPONENTS program_options)
  libboost-math-dev                    # Boost.Math distributions (src/stats)
  libeigen3-dev                        # find_package(Eigen3)
  libopenblas-dev                       # find_package(OpenBLAS CONFIG): the analyses' products
  nlohmann-json3-dev                   # find_package(nlohmann_json)
  libsentencepiece-dev                 # pkg_check_modules(sentencepiece)
  libicu-dev                           # pkg_check_modules(icu-uc icu-i18n)
  libzip-dev                           # pkg_check_modules(libzip)
  libgtest-dev                         # find_package(GTest REQUIRED) at the top level
  pkgconf                              # pkg-config itself
)
# Dependencies Debian declares that lmgaze's build and one-node runs never
# use: a Fortran compiler and Fortran bindings (lmgaze compiles C and C++),
# GNU build tools (libltdl-dev's), GoogleTest's sources (libgtest-dev holds the
# built library), ICU's data-building tools and documentation scripts.
not_needed=(
  gfortran-12 libgfortran-12-dev libhdf5-openmpi-fortran-102 libhdf5-openmpi-hl-fortran-100
  autoconf automake autotools-dev m4
  googletest icu-devtools libjs-jquery libjs-jquery-ui
)
# Files the configure and build steps read; the tarball is refused without any of them.
required_files=(
  usr/bin/mpicc usr/bin/mpirun usr/lib/x86_64-linux-gnu/openmpi/include/mpi.h
  usr/include/hdf5/openmpi/hdf5.h usr/include/hdf5/openmpi/H5FDmpio.h usr/bin/h5pcc
  usr/lib/x86_64-linux-gnu/hdf5/openmpi/libhdf5.so
  usr/include/boost/program_options.hpp usr/include/boost/math/distributions/students_t.hpp
  usr/lib/x86_64-linux-gnu/libboost_program_options.so
  usr/include/eigen3/Eigen/Dense usr/share/eigen3/cmake/Eigen3Config.cmake
  usr/lib/x86_64-linux-gnu/cmake/openblas/OpenBLASConfig.cmake
  usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h
  usr/include/nlohmann/json.hpp usr/share/cmake/nlohmann_json/nlohmann_jsonConfig.cmake
  usr/include/sentencepiece_processor.h usr/lib/x86_64-linux-gnu/pkgconfig/sentencepiece.pc
  usr/include/unicode/regex.h usr/lib/x86_64-linux-gnu/pkgconfig/icu-uc.pc
  usr/lib/x86_64-linux-gnu/pkgconfig/icu-i18n.pc
  usr/include/zip.h usr/lib/x86_64-linux-gnu/pkgconfig/libzip.pc
  usr/include/gtest/gtest.h usr/lib/x86_64-linux-gnu/cmake/GTest/GTestConfig.cmake
  usr/lib/x86_64-linux-gnu/libgtest.a usr/bin/pkg-config
)

out=$(realpath -m "${1:-lmgaze-deps.tar.xz}")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "make_deps.sh: run as root (apt-get download, dpkg -x)" >&2; exit 2; }
command -v apt-get >/dev/null || { echo "make_deps.sh: needs apt-get (Debian or Ubuntu)" >&2; exit 2; }
work=$(mktemp -d /tmp/lmgaze-deps.XXXXXX)
chmod 755 "$work"  # apt-get download writes as the user _apt
trap 'rm -rf "$work"' EXIT
stage=$work/root
mkdir -p "$work/debs" "$work/control" "$stage"

[ "${LMGAZE_DEPS_NO_UPDATE:-0}" = 1 ] || apt-get update -qq

# Resolves packages against an empty dpkg database: "name version" of
# everything an install would bring, recommends left out, nothing installed.
: >"$work/empty-status"
resolve() {
  apt-get -s -qq -o Dir::State::status="$work/empty-status" \
    -o APT::Install-Recommends=false -o APT::Install-Suggests=false install "$@" |
    awk '$1 == "Inst" { v = $3; sub(/^\(/, "", v); print $2, v }' | sort -u
}
resolve "${top_level[@]}" >"$work/closure.txt"
mapfile -t base_roots < <(apt-cache dumpavail |
  awk '/^Package:/ { p = $2 } /^Priority: (required|important)$/ { print p }' | sort -u)
resolve build-essential "${base_roots[@]}" | cut -d' ' -f1 >"$work/base.txt"
grep -qx libc6 "$work/base.txt" ||
  { echo "make_deps: apt could not resolve the base system (build-essential + required + important)" >&2; exit 1; }
printf '%s\n' "${not_needed[@]}" | sort -u >"$work/not_needed.txt"
join -v1 "$work/closure.txt" "$work/base.txt" >"$work/beyond_base.txt"
join -v1 "$work/beyond_base.txt" "$work/not_needed.txt" >"$work/packages.txt"
echo "make_deps: $(wc -l <"$work/closure.txt") packages resolved, $(wc -l <"$work/beyond_base.txt") beyond the base system, $(wc -l <"$work/packages.txt") taken"

# apt's download sandbox user must be able to write the folder.
id _apt >/dev/null 2>&1 && chown _apt "$work/debs"
(cd "$work/debs" && awk '{ print $1 "=" $2 }' "$work/packages.txt" | xargs apt-get download -qq)
n_debs=$(find "$work/debs" -name '*.deb' | wc -l)
[ "$n_debs" -eq "$(wc -l <"$work/packages.txt")" ] ||
  { echo "make_deps: downloaded $n_debs of $(wc -l <"$work/packages.txt") packages" >&2; exit 1; }

for deb in "$work"/debs/*.deb; do
  dpkg -x "$deb" "$stage"
  dpkg-deb -e "$deb" "$work/control/$(basename "$deb" .deb)"
done

# update-alternatives --install LINK NAME PATH PRIO / --slave LINK NAME PATH,
# with literal paths, from every postinst: LINK -> PATH, first one wins.
cat "$work"/control/*/postinst 2>/dev/null | sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' |
  awk '/update-alternatives/ {
         for (i = 1; i <= NF; i++)
           if (($i == "--install" || $i == "--slave") && i + 3 <= NF &&
               $(i + 1) ~ /^\// && $(i + 3) ~ /^\// && ($(i + 1) $(i + 3)) !~ /\$/)
             print $(i + 1), $(i + 3)
       }' >"$work/alternatives.txt"
links=0
while read -r link target; do
  [ -e "$stage$target" ] || [ -L "$stage$target" ] || continue
  [ -e "$stage$link" ] || [ -L "$stage$link" ] && continue
  mkdir -p "$(dirname "$stage$link")"
  ln -s "$target" "$stage$link"
  links=$((links + 1))
done <"$work/alternatives.txt"

bytes_before=$(du -sb "$stage" | cut -f1)
rm -rf "$stage"/usr/share/{doc,man,info,locale,lintian,bug} "$stage"/usr/lib/gcc "$stage"/usr/libexec/gcc
find "$stage" -name '*.a' -print | while read -r a; do
  if [ -e "${a%.a}.so" ] || [ -L "${a%.a}.so" ]; then rm -f "$a"; fi
done
# Boost's headers: only those that the project's own `#include <boost/...>`
# lines reach (g++ -M), with boost/config and boost/version.hpp, instead of
# all 13,000 (160 MB, a quarter of the tarball). A new Boost include in the
# sources means making the tarball again.
mapfile -t boost_includes < <(grep -rhoE '^\s*#\s*include\s*<boost/[^>]+>' "$root"/src "$root"/mpi \
  "$root"/tests "$root"/bench --include='*.cpp' --include='*.hpp' --include='*.h' 2>/dev/null |
  sed -E 's/.*<(.*)>/\1/' | sort -u)
if [ ${#boost_includes[@]} -gt 0 ] && command -v g++ >/dev/null; then
  printf '#include <%s>\n' "${boost_includes[@]}" >"$work/boost_includes.cpp"
  g++ -std=c++17 -M -I"$stage/usr/include" "$work/boost_includes.cpp" | tr ' ' '\n' |
    grep "^$stage/usr/include/boost/" | xargs realpath -m --relative-to="$stage/usr/include" |
    sort -u >"$work/boost_keep.txt"
  (cd "$stage/usr/include" && find boost -type f ! -path 'boost/config/*' ! -path boost/version.hpp) |
    sort | join -v1 - "$work/boost_keep.txt" | (cd "$stage/usr/include" && xargs rm -f)
  find "$stage/usr/include/boost" -type d -empty -delete
  boost_kept="$(find "$stage/usr/include/boost" -type f | wc -l) headers, reached from: ${boost_includes[*]}"
else
  boost_kept="all (no g++ here to follow the project's Boost includes)"
fi
bytes_after=$(du -sb "$stage" | cut -f1)

# A path inside the staging root, following absolute links as the target would.
resolve_in_stage() {
  local p=$1 t hop
  # shellcheck disable=SC2034  # the loop only bounds the chain of links
  for hop in 1 2 3 4 5 6 7 8; do
    [ -L "$stage/$p" ] || break
    t=$(readlink "$stage/$p")
    case "$t" in /*) p=${t#/} ;; *) p=$(dirname "$p")/$t ;; esac
  done
  [ -e "$stage/$p" ]
}
missing=()
for f in "${required_files[@]}"; do resolve_in_stage "$f" || missing+=("$f"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "make_deps: the staging root lacks: ${missing[*]}" >&2
  exit 1
fi

# The library headers lmgaze includes compile from the staging root: g++ -M
# says where each header came from, and none may come from a package of the
# tarball installed on this machine (which would hide a header the tarball lacks).
if command -v g++ >/dev/null; then
  inc=$stage/usr/include
  printf '#include <%s>\n' boost/program_options.hpp boost/math/distributions/students_t.hpp \
    Eigen/Dense nlohmann/json.hpp sentencepiece_processor.h unicode/regex.h unicode/unistr.h \
    zip.h mpi.h hdf5.h H5FDmpio.h gtest/gtest.h >"$work/headers.cpp"
  g++ -std=c++17 -M -I"$inc" -I"$inc/x86_64-linux-gnu" -I"$inc/eigen3" -I"$inc/hdf5/openmpi" \
    -I"$stage/usr/lib/x86_64-linux-gnu/openmpi/include" "$work/headers.cpp" | tr ' ' '\n' |
    grep '^/' | grep -v "^$stage/" | sort -u >"$work/headers_outside.txt"
  leaked=()
  while read -r h; do
    p=$(dpkg -S "$h" 2>/dev/null | head -1 | cut -d: -f1) || true
    [ -n "$p" ] && grep -q "^$p " "$work/packages.txt" && leaked+=("$h ($p)")
  done <"$work/headers_outside.txt"
  if [ ${#leaked[@]} -gt 0 ]; then
    echo "make_deps: headers the staging root lacks, found on this machine instead: ${leaked[*]}" >&2
    exit 1
  fi
  headers_checked="the library headers lmgaze includes compile from the tarball alone (g++ -M)"
else
  headers_checked="not compiled (no g++ here)"
fi

manifest=$stage/usr/share/lmgaze-deps/MANIFEST
mkdir -p "$(dirname "$manifest")"
{
  echo "# lmgaze build dependencies, made by bench/gpu/make_deps.sh"
  echo "made: $(date -u +%FT%TZ)"
  echo "release: $(sed -n 's/^PRETTY_NAME=//p' /etc/os-release | tr -d '"')"
  echo "glibc: $(dpkg-query -W -f='${Version}' libc6)"
  echo "libstdc++6: $(dpkg-query -W -f='${Version}' libstdc++6)"
  echo "architecture: $(dpkg --print-architecture)"
  echo "top-level: ${top_level[*]}"
  echo "resolved: $(wc -l <"$work/closure.txt") packages; base system left out: $(( $(wc -l <"$work/closure.txt") - $(wc -l <"$work/beyond_base.txt") ))"
  echo "not needed, left out: $(join "$work/beyond_base.txt" "$work/not_needed.txt" | cut -d' ' -f1 | tr '\n' ' ')"
  echo "alternatives links made: $links"
  echo "unpacked: $bytes_before bytes; after leaving out docs, static archives beside shared ones, GCC internals: $bytes_after bytes"
  echo "boost headers kept: $boost_kept"
  echo "required files checked: ${#required_files[@]}; $headers_checked"
  echo "# package version"
  cat "$work/packages.txt"
} >"$manifest"

XZ_OPT='-9 -T0' tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner -cJf "$out.partial" .
mv "$out.partial" "$out"
cat "$manifest"
echo "make_deps: wrote $out ($(du -h "$out" | cut -f1))"
