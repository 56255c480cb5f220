#!/usr/bin/env bash
# Runs on the lent GPU machine (no internet; has nvcc, CMake, ninja, Python with PyTorch):
# unpacks the Debian 12 .deb files fetched by scripts/gpu_fetch_debs.sh into a private prefix
# (never /), configures tailor with CUDA and PyTorch's LibTorch, builds with ninja, runs ctest.
# Environment: BUILD_DIR (build-gpu), GPU_PREFIX (.gpu-prefix), GPU_DEBS_DIR (.gpu-debs),
# CUDA_ARCHS (90), PYTHON (python3), TORCH_PREFIX (from PyTorch), JOBS (nproc). Extra arguments go to cmake's configure step.
# Set TAILOR_GPU_CONFIGURE_ONLY=1 to stop after configuring.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEBS=${GPU_DEBS_DIR:-.gpu-debs}
PREFIX=${GPU_PREFIX:-$ROOT/.gpu-prefix}
BUILD_DIR=${BUILD_DIR:-build-gpu}
ARCHS=${CUDA_ARCHS:-90}
PYTHON=${PYTHON:-python3}
JOBS=${JOBS:-$(nproc)}
ARCH_TRIPLET=x86_64-linux-gnu

die() { echo "gpu_build: $*" >&2; exit 1; }
log() { echo "gpu_build: $*"; }

[ -d "$DEBS/dev" ] && [ -d "$DEBS/runtime" ] ||
  die "no $DEBS/dev or $DEBS/runtime: run scripts/gpu_fetch_debs.sh on the development machine"
PREFIX=$(realpath -m "$PREFIX")
case "$PREFIX" in
  / | /usr | /usr/* | /lib* | /bin* | /etc*) die "GPU_PREFIX=$PREFIX would unpack into the system" ;;
esac

# The Debian 12 libraries need glibc >= 2.36 (and libstdc++ from GCC >= 12).
glibc=$(ldd --version | head -1 | grep -oE '[0-9]+\.[0-9]+$' || true)
if [ -n "$glibc" ] && [ "$(printf '%s\n2.36\n' "$glibc" | sort -V | head -1)" != "2.36" ]; then
  die "glibc $glibc is older than Debian 12's 2.36; the unpacked libraries cannot run here"
fi

unpack() {  # unpack <deb> <dir>, with dpkg-deb or, without it, ar + tar
  if command -v dpkg-deb >/dev/null; then
    dpkg-deb -x "$1" "$2"
    return
  fi
  local member
  member=$(ar t "$1" | grep '^data\.tar')
  case "$member" in
    *.xz) ar p "$1" "$member" | tar -xJ -C "$2" --no-same-owner ;;
    *.zst) ar p "$1" "$member" | tar -x --zstd -C "$2" --no-same-owner ;;
    *.gz) ar p "$1" "$member" | tar -xz -C "$2" --no-same-owner ;;
    *) die "$1: unknown data member '$member'" ;;
  esac
}

log "unpacking $(ls "$DEBS"/dev/*.deb | wc -l) + $(ls "$DEBS"/runtime/*.deb | wc -l) .deb files into $PREFIX"
rm -rf "$PREFIX"
mkdir -p "$PREFIX/dev" "$PREFIX/runtime" "$PREFIX/fallback-lib"
for deb in "$DEBS"/dev/*.deb; do unpack "$(realpath "$deb")" "$PREFIX/dev"; done
for deb in "$DEBS"/runtime/*.deb; do unpack "$(realpath "$deb")" "$PREFIX/runtime"; done

# Absolute symlinks (e.g. liblzma.so -> /lib/.../liblzma.so.5.4.1) must point into the prefix.
while IFS= read -r link; do
  target=$(readlink "$link")
  case "$target" in /*) ;; *) continue ;; esac
  if [ -e "$PREFIX/dev$target" ]; then
    ln -sfn "$PREFIX/dev$target" "$link"
  elif [ -e "$PREFIX/runtime$target" ]; then
    ln -sfn "$PREFIX/runtime$target" "$link"
  fi
done < <(find "$PREFIX/dev" -type l)

LIBDIR=$PREFIX/dev/usr/lib/$ARCH_TRIPLET
# Debian selects OpenBLAS through update-alternatives, which dpkg -x does not run.
ln -sfn openblas-pthread/libopenblas.so "$LIBDIR/libopenblas.so"

# Run-time libraries: use the machine's own where it has that soname, Debian's copy otherwise.
system_sonames=$(ldconfig -p | awk 'NR > 1 {print $1}' | sort -u)
fallbacks=()
while IFS= read -r lib; do
  soname=$(objdump -p "$lib" 2>/dev/null | awk '/SONAME/ {print $2}')
  [ -n "$soname" ] || continue
  if ! grep -qxF "$soname" <<<"$system_sonames"; then
    ln -sfn "$lib" "$PREFIX/fallback-lib/$soname"
    fallbacks+=("$soname")
  fi
done < <(find "$PREFIX/runtime" -type f -name 'lib*.so.*' | sort)
log "run-time libraries taken from Debian (missing here): ${fallbacks[*]:-none}"

if [ -z "${TORCH_PREFIX:-}" ]; then
  TORCH_PREFIX=$("$PYTHON" -c 'import torch; print(torch.utils.cmake_prefix_path)') ||
    die "$PYTHON cannot import torch (or set TORCH_PREFIX to LibTorch's CMake prefix)"
fi
log "LibTorch CMake prefix: $TORCH_PREFIX"

export LD_LIBRARY_PATH="$LIBDIR:$LIBDIR/openblas-pthread:$PREFIX/fallback-lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
GENERATOR=()
command -v ninja >/dev/null && GENERATOR=(-G Ninja)

cmake -S . -B "$BUILD_DIR" "${GENERATOR[@]}" \
  -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-Release} \
  -DCMAKE_PREFIX_PATH="$PREFIX/dev/usr;$TORCH_PREFIX" \
  -DHDF5_ROOT="$LIBDIR/hdf5/serial" \
  -DTAILOR_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES="$ARCHS" \
  "$@"
[ "${TAILOR_GPU_CONFIGURE_ONLY:-0}" = 1 ] && { log "configured $BUILD_DIR (TAILOR_GPU_CONFIGURE_ONLY=1)"; exit 0; }
cmake --build "$BUILD_DIR" -j "$JOBS"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || true
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" --timeout 900
