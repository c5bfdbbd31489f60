#!/usr/bin/env bash
# Whole-process comparison of the vhd tool with qemu-img on the same 2 GiB image, as users run
# them: wall-clock seconds measured by /usr/bin/time, the median of N runs (default 5) each, the
# two tools alternating run by run, printed with the ratio vhd/qemu (below 1.0: vhd is faster).
#
#   vhd convert -O raw IMG OUT   vs  qemu-img convert -f vpc -O raw IMG OUT   (OUT a new file)
#   vhd cat IMG > /dev/null      vs  qemu-img bench -f vpc -s 1M -c 2048 IMG  (2 GiB of 1 MiB reads)
#   vhd convert -O dynamic RAW OUT  vs  qemu-img convert -f raw -O vpc RAW OUT (RAW: IMG's 2 GiB)
#   vhd convert -O raw X OUT     vs  qemu-img convert -f vhdx -O raw X OUT    (X: RAW as VHDX)
#
# The image is a fully allocated dynamic VHD made by `qemu-img convert -O vpc` from 2 GiB of
# random data (QEMU's layout), built once in the work directory; the VHDX is the same data made
# by `qemu-img convert -O vhdx` (QEMU's defaults: 16 MiB blocks for 2 GiB, all present, in order).
# Page cache is warm for both tools (one unmeasured run of each first). Needs qemu-img and the
# repository's bin/vhd.
# Usage: [RETRIES=N] [ONLY=TEXT] jmh/compare.sh [RUNS] [WORKDIR]   (medians of RUNS, default 5;
# also the fastest run; RETRIES: see "Free page reporting" in compare-lib.sh; ONLY: run only the
# operations whose label holds TEXT, e.g. ONLY=VHDX)
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
work="${2:-${TMPDIR:-/tmp}/vhd4j-compare}"
vhd="$top/bin/vhd"
# shellcheck source=compare-lib.sh
. "$top/jmh/compare-lib.sh"
random_images
"$vhd" --version >/dev/null   # builds the jar if needed, outside the measurements

out="$work/out.raw"
header "image: $img ($(stat -c %s "$img") bytes), $imgx ($(stat -c %s "$imgx") bytes), median of $runs runs"
# Each run starts with no dirty pages left by the previous one: without the sync, writeback of
# earlier 2 GiB outputs throttles whichever run comes next.
compare "convert -O raw (VHD -> raw)" "rm -f '$out'; sync" \
  "$vhd" convert -O raw "$img" "$out" -- qemu-img convert -f vpc -O raw "$img" "$out"
compare "read all (cat vs bench -s 1M)" ":" \
  sh -c "'$vhd' cat '$img' > /dev/null" -- qemu-img bench -f vpc -s 1M -c 2048 "$img"
outv="$work/out.vhd"
compare "convert -O dynamic (raw -> VHD)" "rm -f '$outv'; sync" \
  "$vhd" convert -O dynamic "$raw" "$outv" -- qemu-img convert -f raw -O vpc "$raw" "$outv"
compare "convert -O raw (VHDX -> raw)" "rm -f '$out'; sync" \
  "$vhd" convert -O raw "$imgx" "$out" -- qemu-img convert -f vhdx -O raw "$imgx" "$out"
rm -f "$out" "$outv"
