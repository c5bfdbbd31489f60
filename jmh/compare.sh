#!/usr/bin/env bash
# Whole-process comparison of the vhd tool with qemu-img on the same 2 GiB image, as users run
# them: wall-clock seconds measured by /usr/bin/time, the median of N runs (default 5) each, the
# two tools alternating run by run, printed with the ratio vhd/qemu (below 1.0: vhd is faster).
#
#   vhd convert -O raw IMG OUT   vs  qemu-img convert -f vpc -O raw IMG OUT   (OUT a new file)
#   vhd cat IMG > /dev/null      vs  qemu-img bench -f vpc -s 1M -c 2048 IMG  (2 GiB of 1 MiB reads)
#   vhd convert -O dynamic RAW OUT  vs  qemu-img convert -f raw -O vpc RAW OUT (RAW: IMG's 2 GiB)
#
# The image is a fully allocated dynamic VHD made by `qemu-img convert -O vpc` from 2 GiB of
# random data (QEMU's layout), built once in the work directory. Page cache is warm for both
# tools (one unmeasured run of each first). Needs qemu-img and the repository's bin/vhd.
# Usage: [RETRIES=N] jmh/compare.sh [RUNS] [WORKDIR]   (medians of RUNS, default 5; also the
# fastest run; RETRIES: see "Free page reporting" below)
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
work="${2:-${TMPDIR:-/tmp}/vhd4j-compare}"
vhd="$top/bin/vhd"
# shellcheck source=compare-lib.sh
. "$top/jmh/compare-lib.sh"
img="$work/random-2g.vhd"
if [ ! -f "$img" ]; then
  head -c $((2 << 30)) /dev/urandom > "$work/random-2g.raw"
  qemu-img convert -f raw -O vpc "$work/random-2g.raw" "$img.part"
  mv "$img.part" "$img"
fi
raw="$work/random-2g.raw"
[ -f "$raw" ] || qemu-img convert -f vpc -O raw "$img" "$raw"
"$vhd" --version >/dev/null   # builds the jar if needed, outside the measurements

out="$work/out.raw"
header "image: $img ($(stat -c %s "$img") bytes), median of $runs runs"
# Each run starts with no dirty pages left by the previous one: without the sync, writeback of
# earlier 2 GiB outputs throttles whichever run comes next.
compare "convert -O raw (VHD -> raw)" "rm -f '$out'; sync" \
  "$vhd" convert -O raw "$img" "$out" -- qemu-img convert -f vpc -O raw "$img" "$out"
compare "read all (cat vs bench -s 1M)" ":" \
  sh -c "'$vhd' cat '$img' > /dev/null" -- qemu-img bench -f vpc -s 1M -c 2048 "$img"
outv="$work/out.vhd"
compare "convert -O dynamic (raw -> VHD)" "rm -f '$outv'; sync" \
  "$vhd" convert -O dynamic "$raw" "$outv" -- qemu-img convert -f raw -O vpc "$raw" "$outv"
rm -f "$out" "$outv"
