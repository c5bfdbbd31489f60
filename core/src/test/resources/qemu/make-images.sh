#!/usr/bin/env bash
# Regenerates the QEMU-made golden images in this directory and their manifest.
#
# Needs: qemu-img and qemu-io (Debian package qemu-utils), gzip, sha256sum, od, dd, seq (coreutils).
# Run it from anywhere: ./make-images.sh [output-dir] (default: the directory of this script).
# The versions of qemu-img and qemu-io it used are written into the manifest's comment lines.
# The images carry random UUIDs and time stamps, so a rerun changes every file: rerun only when the
# set of images changes, and commit the images and the manifest together.
#
# What it makes: small VHDs created by `qemu-img create -f vpc` (subformat dynamic and fixed,
# force_size on and off, sizes that the CHS rounding changes) and by `qemu-img convert -O vpc` from
# a raw file, with data written by qemu-io (constant patterns and a deterministic text pattern;
# first and last sector, unaligned writes, writes across 2 MiB block boundaries, writes several
# blocks long, blocks allocated out of virtual order). Each image is stored gzip-compressed
# (<name>.vhd.gz, gzip -n so no name or time is stored).
#
# Size rule: Debian 12 ships qemu-img 7.2, whose vpc driver takes the CHS size for every creator
# except "win ", "qem2", "d2v ", "CTXS" and "tap\0", while QEMU >= 10 takes the CHS size only for
# "vpc " and "qemu". All images here have creator "qemu" (CHS size) or "qem2" (force_size: geometry
# 65535/16/255 and current size), so both rules give the same virtual size; they would differ only
# for other creators, and both use the current size whenever the geometry is 65535/16/255.
#
# Everything qemu reports is taken from the decompressed .vhd.gz, i.e. from exactly the bytes a
# test reads (a fresh qemu-img file is sparse, and qemu-img map would split data runs at host holes).
#
# Manifest: manifest.tsv, '#' lines are comments, then one tab-separated line per image:
#   file          the compressed image, e.g. dyn-3m.vhd.gz
#   creator       footer creator application (offset 28), read from the tail footer with od
#   type          footer disk type (offset 60): fixed or dynamic
#   virtual_size  "virtual-size" of `qemu-img info -f vpc --output=json`
#   sha256        SHA-256 of the raw content from `qemu-img convert -f vpc -O raw`
#   data_runs     the entries of `qemu-img map -f vpc --output=json` with "data": true, as
#                 start:length:offset separated by spaces, in order; entries that are contiguous
#                 both in virtual and in file offset are joined (qemu-img splits them only when
#                 another flag such as "zero" differs); "-" when there is none
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

command -v qemu-img >/dev/null || { echo "qemu-img not found (apt-get install qemu-utils)" >&2; exit 1; }
command -v qemu-io >/dev/null || { echo "qemu-io not found (apt-get install qemu-utils)" >&2; exit 1; }

# A deterministic, compressible, non-constant pattern for qemu-io's `write -s FILE`.
seq -f '%07g' 0 40000 > "$work/text.pat"

# qemu-io on an image; each argument is one qemu-io command.
qio() {
  local img="$1"
  shift
  local args=()
  for c in "$@"; do
    args+=(-c "$c")
  done
  qemu-io -f vpc "${args[@]}" "$img" >/dev/null
}

vsize() {
  qemu-img info -f vpc --output=json "$1" | sed -n 's/^ *"virtual-size": \([0-9]*\),\{0,1\}$/\1/p'
}

# Four bytes of the tail footer at a footer offset, as text (creator application at 28).
footer_text() {
  local len
  len=$(stat -c %s "$1")
  dd if="$1" bs=1 skip=$((len - 512 + $2)) count=4 status=none | tr '\0' '.'
}

# Footer disk type (offset 60, big-endian u32) as a word.
footer_type() {
  local len t
  len=$(stat -c %s "$1")
  t=$(od -A n -t u1 -j $((len - 512 + 63)) -N 1 "$1" | tr -d ' ')
  case "$t" in
    2) echo fixed ;;
    3) echo dynamic ;;
    *) echo "unexpected disk type $t in $1" >&2; exit 1 ;;
  esac
}

# Data runs of qemu-img map, contiguous runs joined.
data_runs() {
  local n='\([0-9]*\)'
  qemu-img map -f vpc --output=json "$1" \
    | sed -n "s/.*\"start\": $n, \"length\": $n,.*\"data\": true, \"offset\": $n.*/\1 \2 \3/p" \
    | {
      runs=""
      have=0
      while read -r s l o; do
        if [ "$have" = 1 ] && [ $((cs + cl)) -eq "$s" ] && [ $((co + cl)) -eq "$o" ]; then
          cl=$((cl + l))
        else
          if [ "$have" = 1 ]; then runs="$runs $cs:$cl:$co"; fi
          cs=$s; cl=$l; co=$o; have=1
        fi
      done
      if [ "$have" = 1 ]; then runs="$runs $cs:$cl:$co"; fi
      runs="${runs# }"
      echo "${runs:--}"
    }
}

# ---- the images ----
cd "$work"

# Dynamic, size 0: a table of no entries, the tail footer right where the table would start.
qemu-img create -q -f vpc dyn-0.vhd 0

# Dynamic, 3 MiB requested, rounded up by CHS (creator "qemu"); first and last sector written.
qemu-img create -q -f vpc dyn-3m.vhd 3M
s=$(vsize dyn-3m.vhd)
qio dyn-3m.vhd "write -P 0xa1 0 512" "write -P 0xa2 $((s - 512)) 512"

# Dynamic, 5 MiB + 1000 bytes: qemu-img rounds up to a sector, then to CHS. Unaligned writes,
# writes crossing the 2 MiB and the 4 MiB block boundaries, the last sector.
qemu-img create -q -f vpc dyn-5m-odd.vhd 5243880
s=$(vsize dyn-5m-odd.vhd)
qio dyn-5m-odd.vhd "write -P 0x6e 1000 3000" "write -P 0x5c $((2097152 - 1536)) 4096" \
  "write -s $work/text.pat $((4194304 - 700)) 9000" "write -P 0xe5 $((s - 512)) 512"

# Dynamic with force_size (creator "qem2", geometry 65535/16/255, current size = request rounded
# up to a sector): one write four blocks long, the last sector.
qemu-img create -q -f vpc -o force_size=on dyn-force-9m.vhd 9438721
s=$(vsize dyn-force-9m.vhd)
qio dyn-force-9m.vhd "write -P 0x77 1048576 6291456" "write -P 0x78 $((s - 512)) 512"

# Dynamic, 64 MiB requested: mostly unallocated; blocks allocated out of virtual order
# (block 20, then 2 and 3, then 0, then the last one), so file order differs from table order.
qemu-img create -q -f vpc dyn-64m-sparse.vhd 64M
s=$(vsize dyn-64m-sparse.vhd)
qio dyn-64m-sparse.vhd "write -P 0x14 $((20 * 2097152 + 512)) 1024" \
  "write -s $work/text.pat $((3 * 2097152 - 256)) 70000" "write -P 0x01 0 512" \
  "write -P 0xff $((s - 512)) 512"

# Fixed, 3 MiB requested, rounded up by CHS (creator "qemu").
qemu-img create -q -f vpc -o subformat=fixed fixed-3m.vhd 3M
s=$(vsize fixed-3m.vhd)
qio fixed-3m.vhd "write -P 0x33 0 512" "write -s $work/text.pat 1000000 100000" \
  "write -P 0x34 $((s - 512)) 512"

# Fixed with force_size, exactly 1 MiB (creator "qem2").
qemu-img create -q -f vpc -o subformat=fixed,force_size=on fixed-force-1m.vhd 1M
qio fixed-force-1m.vhd "write -P 0x4d 4096 8192" "write -P 0x4e $((1048576 - 512)) 512"

# Fixed, 512 bytes requested: the smallest CHS geometry (1/4/17 = 68 sectors) rounds it up.
qemu-img create -q -f vpc -o subformat=fixed fixed-tiny.vhd 512
s=$(vsize fixed-tiny.vhd)
qio fixed-tiny.vhd "write -P 0x5a 0 100" "write -P 0x5b $((s - 512)) 512"

# A raw file with patterns and an all-zero 2 MiB stretch, converted: dynamic (creator "qemu",
# size rounded up by CHS, zero blocks left unallocated) and fixed with force_size ("qem2").
raw_size=$((7 * 1048576 + 1536))
qemu-img create -q -f raw source.raw "$raw_size"
qemu-io -f raw -c "write -P 0xc3 0 65536" -c "write -s $work/text.pat 1500000 200000" \
  -c "write -P 0x3c $((4 * 1048576 + 12345)) 777777" -c "write -P 0x99 $((raw_size - 512)) 512" \
  source.raw >/dev/null
qemu-img convert -f raw -O vpc source.raw conv-dyn.vhd
qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on source.raw conv-fixed-force.vhd

# ---- compress, then describe the bytes that were committed ----
manifest="$out/manifest.tsv"
{
  echo "# QEMU-made VHD images; regenerate with make-images.sh (columns are described there)."
  echo "# $(qemu-img --version | head -n 1)"
  echo "# $(qemu-io --version | head -n 1)"
  printf '# file\tcreator\ttype\tvirtual_size\tsha256\tdata_runs\n'
} > "$manifest"

for img in dyn-0 dyn-3m dyn-5m-odd dyn-force-9m dyn-64m-sparse fixed-3m fixed-force-1m fixed-tiny \
  conv-dyn conv-fixed-force; do
  gzip -n -9 -c "$img.vhd" > "$out/$img.vhd.gz"
  rm -f "$img.vhd"
  gzip -d -c "$out/$img.vhd.gz" > "$img.vhd"
  size=$(vsize "$img.vhd")
  qemu-img convert -f vpc -O raw "$img.vhd" "$img.raw"
  sum=$(sha256sum "$img.raw" | cut -d ' ' -f 1)
  rm -f "$img.raw"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$img.vhd.gz" "$(footer_text "$img.vhd" 28)" \
    "$(footer_type "$img.vhd")" "$size" "$sum" "$(data_runs "$img.vhd")" >> "$manifest"
done
echo "wrote $(ls "$out"/*.vhd.gz | wc -l) images and $manifest"
