#!/usr/bin/env bash
# Makes the qemu-img seeds of the raw-image fuzz targets: tiny VHDs written by QEMU's vpc driver,
# each at most 64 KiB (the fuzzers' -max_len), so fixed disks of a few KiB with data written by
# qemu-io, and dynamic disks without data (QEMU's 2 MiB blocks would not fit) of many sizes, with
# and without force_size. Also the two small images of core's QEMU corpus, decompressed.
#
# Needs qemu-img and qemu-io (Debian: qemu-utils). Run from anywhere: fuzz/seeds/make-qemu-seeds.sh
# The images carry random UUIDs and time stamps: rerun only to change the set, and commit the result.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fuzz="$(cd "$here/.." && pwd)"
res="$fuzz/src/test/resources/io/github/vhd4j/fuzz"
core_qemu="$fuzz/../core/src/test/resources/qemu"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

command -v qemu-img >/dev/null || { echo "qemu-img not found (apt-get install qemu-utils)" >&2; exit 1; }

mk() { # name subformat size [force]
  local opts="subformat=$2"
  [ "${4:-}" = force ] && opts="$opts,force_size=on"
  qemu-img create -q -f vpc -o "$opts" "$work/$1" "$3"
}

mk fixed-1k fixed 1K
mk fixed-16k fixed 16K
mk fixed-32k-data fixed 32K
qemu-io -f vpc -c 'write -P 0xa5 0 512' -c 'write -P 0x5a 1000 3000' -c 'write -P 0x11 16896 512' \
  "$work/fixed-32k-data" >/dev/null
mk fixed-force-4k fixed 4K force
mk fixed-force-60k-data fixed 60K force
qemu-io -f vpc -c 'write -P 0x77 0 60k' "$work/fixed-force-60k-data" >/dev/null
for s in 0 1M 3M 127M 1G 8G 16G; do
  mk "dynamic-$s" dynamic "$s"
done
mk dynamic-force-1G dynamic 1G force
mk dynamic-force-5G dynamic 5G force

gunzip -c "$core_qemu/fixed-tiny.vhd.gz" > "$work/core-fixed-tiny"
gunzip -c "$core_qemu/dyn-0.vhd.gz" > "$work/core-dyn-0"

for f in "$work"/*; do
  size=$(stat -c %s "$f")
  [ "$size" -le 65536 ] || { echo "$(basename "$f") is $size bytes, over 64 KiB" >&2; exit 1; }
done
for target in ImageOpenFuzzTestInputs/shouldOpenReadMapAndCheckAnyBytes \
    StorageDifferentialFuzzTestInputs/shouldAgreeAcrossStorageEngines \
    CliJsonFuzzTestInputs/shouldPrintJsonOrOneErrorLine \
    DifferencingChainFuzzTestInputs/shouldReadValidChildOverFuzzedParent; do
  rm -rf "${res:?}/$target/qemu"
  mkdir -p "$res/$target/qemu"
  cp "$work"/* "$res/$target/qemu/"
done
qemu-img --version | head -1 > "$here/qemu-seeds.version"
echo "qemu seeds written ($(ls "$work" | wc -l) images per target)"
