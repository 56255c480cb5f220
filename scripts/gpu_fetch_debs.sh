#!/usr/bin/env bash
# Runs on the Debian 12 development machine: downloads (apt-get download, no install) the .deb
# files that scripts/gpu_build.sh unpacks on the GPU machine, which has no internet.
#   .gpu-debs/dev/      headers, CMake configs and libraries tailor builds against
#   .gpu-debs/runtime/  shared libraries those need at run time; gpu_build.sh uses each one only
#                       where the GPU machine has no library of that name itself
# Afterwards it unpacks everything into a temporary directory and checks that every shared
# library's NEEDED entries are satisfied by the set plus the C/C++ runtime every Linux has.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${GPU_DEBS_DIR:-.gpu-debs}

# Build dependencies (scripts/setup.sh's list minus LibTorch, which comes from PyTorch there).
DEV_PACKAGES=(
  libhdf5-dev libhdf5-103-1 libsz2 libaec0
  libsentencepiece-dev libsentencepiece0
  libgtest-dev libgmock-dev
  libyaml-cpp-dev libyaml-cpp0.7
  libcli11-dev
  libspdlog-dev libspdlog1.10 libfmt-dev libfmt9
  nlohmann-json3-dev
  libopenblas-dev libopenblas-pthread-dev libopenblas0-pthread
  liblzma-dev zlib1g-dev
)
# Run-time closure of the libraries above (HDF5 -> libcurl/libssl/..., OpenBLAS -> gfortran).
# Found with `ldd` on each library and `dpkg -S` on the results; base C/C++ runtime left out.
RUNTIME_PACKAGES=(
  libgfortran5 libquadmath0
  libcurl4 libssl3 libnghttp2-14 libidn2-0 libunistring2 librtmp1 libssh2-1 libpsl5
  libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 libkeyutils1 libcom-err2
  libldap-2.5-0 libsasl2-2 libbrotli1 libzstd1
  libgnutls30 libhogweed6 libnettle8 libgmp10 libp11-kit0 libtasn1-6 libffi8
  liblzma5 zlib1g
)
# Provided by every glibc/libstdc++ system; never shipped.
BASE_SONAMES="linux-vdso.so.1 ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libpthread.so.0 libdl.so.2 librt.so.1 libresolv.so.2 libstdc++.so.6 libgcc_s.so.1"

fetch() {  # fetch <dir> <packages...>
  local dir=$1
  shift
  mkdir -p "$dir"
  (cd "$dir" && apt-get download -q -o APT::Sandbox::User=root "$@" >/dev/null)
}

rm -rf "$OUT"
echo "gpu_fetch_debs: downloading ${#DEV_PACKAGES[@]} build packages and ${#RUNTIME_PACKAGES[@]} run-time packages into $OUT/"
fetch "$OUT/dev" "${DEV_PACKAGES[@]}"
fetch "$OUT/runtime" "${RUNTIME_PACKAGES[@]}"

# Closure check on an unpacked copy.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for deb in "$OUT"/dev/*.deb "$OUT"/runtime/*.deb; do dpkg -x "$deb" "$tmp"; done
provided=$(find "$tmp" \( -type f -o -type l \) -name '*.so*' -printf '%f\n' | sort -u)
missing=""
while IFS= read -r lib; do
  for need in $(objdump -p "$lib" 2>/dev/null | awk '/NEEDED/{print $2}'); do
    case " $BASE_SONAMES " in *" $need "*) continue ;; esac
    grep -qxF "$need" <<<"$provided" || missing+="  $need (needed by ${lib#"$tmp"})"$'\n'
  done
done < <(find "$tmp" -type f -name '*.so*')
if [ -n "$missing" ]; then
  printf 'gpu_fetch_debs: shared libraries missing from the set:\n%s' "$missing" >&2
  exit 1
fi
size=$(du -sm "$OUT" | cut -f1)
echo "gpu_fetch_debs: $(ls "$OUT"/dev/*.deb | wc -l) + $(ls "$OUT"/runtime/*.deb | wc -l) .deb files, ${size} MiB; closure complete"
