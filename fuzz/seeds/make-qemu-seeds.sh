#!/usr/bin/env bash
# Makes the qemu-img seeds of the raw-image fuzz targets: tiny VHDs written by QEMU's vpc driver,
# each at most 64 KiB (the fuzzers' -max_len), so fixed disks of a few KiB with data written by
# qemu-io, and dynamic disks without data (QEMU's 2 MiB blocks would not fit) of many sizes, with
# and without force_size. Also the two small images of core's QEMU corpus, decompressed.
#
# And the qemu-img seeds of the VHDX image targets: VHDX files of a few MiB written by QEMU's vhdx
# driver (fixed and dynamic, data written by qemu-io, a block past the first 4 GiB chunk), each
# stored as its non-zero runs in the encoding of SparseCodec.java (kind byte 7, then the length and
# the runs), which keeps each under 64 KiB.
#
# Needs qemu-img and qemu-io (Debian: qemu-utils) and python3. Run from anywhere:
# fuzz/seeds/make-qemu-seeds.sh [vhd|vhdx]   (both sets by default)
# The images carry random UUIDs and time stamps: rerun only to change the set, and commit the result.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fuzz="$(cd "$here/.." && pwd)"
res="$fuzz/src/test/resources/io/github/vhd4j/fuzz"
core_qemu="$fuzz/../core/src/test/resources/qemu"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

command -v qemu-img >/dev/null || { echo "qemu-img not found (apt-get install qemu-utils)" >&2; exit 1; }
only="${1:-both}"

if [ "$only" != vhdx ]; then
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
fi

[ "$only" != vhd ] || { qemu-img --version | head -1 > "$here/qemu-seeds.version"; echo "qemu VHD seeds written"; exit 0; }

# VHDX: made in their own directory, encoded as runs.
vx="$work/vhdx"
mkdir -p "$vx"
mkx() { # name subformat size [extra options]
  qemu-img create -q -f vhdx -o "subformat=$2,log_size=1M${4:+,$4}" "$vx/$1" "$3"
}
mkx dynamic-8m-bs1m dynamic 8M block_size=1M
qemu-io -f vhdx -c 'write -P 0xa5 0 4k' -c 'write -P 0x5a 3M 1k' -c 'write -P 0x3c 8388096 512' \
  "$vx/dynamic-8m-bs1m" >/dev/null
mkx dynamic-5g-past-chunk dynamic 5G block_size=1M
qemu-io -f vhdx -c 'write -P 0x11 4G 8k' -c 'write -P 0x22 4095M 512' "$vx/dynamic-5g-past-chunk" >/dev/null
mkx dynamic-odd-size dynamic 1049088 block_size=1M
qemu-io -f vhdx -c 'write -P 0x77 1048576 512' "$vx/dynamic-odd-size" >/dev/null
mkx fixed-2m-zero-blocks fixed 2M block_size=1M
mkx fixed-2m-data fixed 2M block_size=1M,block_state_zero=off
qemu-io -f vhdx -c 'write -P 0x77 1M 512' -c 'write -P 0x88 0 3000' "$vx/fixed-2m-data" >/dev/null
mkx dynamic-64m-default-blocks dynamic 64M
qemu-io -f vhdx -c 'write -P 0x99 32M 40k' "$vx/dynamic-64m-default-blocks" >/dev/null
python3 - "$vx" <<'PY'
import os, struct, sys
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    data = open(os.path.join(d, name), 'rb').read()
    out = bytearray([7]) + struct.pack('>I', len(data))
    end = 0
    i = 0
    while i < len(data):
        if data[i] == 0:
            i += 1
            continue
        j = i
        zeros = 0
        while j < len(data) and j - i < 0xFFFF and zeros < 16:
            zeros = zeros + 1 if data[j] == 0 else 0
            j += 1
        stop = j - zeros
        out += struct.pack('>IH', i - end, stop - i) + data[i:stop]
        end = i = stop
    if len(out) > 65536:
        sys.exit(name + ' encodes to ' + str(len(out)) + ' bytes, over 64 KiB')
    open(os.path.join(d, name), 'wb').write(out)
PY
for target in VhdxOpenFuzzTestInputs/shouldOpenReadMapAndCheckAnyVhdx \
    VhdxStorageDifferentialFuzzTestInputs/shouldAgreeAcrossStorageEngines; do
  rm -rf "${res:?}/$target/qemu"
  mkdir -p "$res/$target/qemu"
  cp "$vx"/* "$res/$target/qemu/"
done
qemu-img --version | head -1 > "$here/qemu-seeds.version"
echo "qemu seeds written ($(ls "$vx" | wc -l) VHDX images per VHDX target)"
