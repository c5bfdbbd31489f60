#!/usr/bin/env bash
# Whole-process comparison of the vhd tool with qemu-img on a disk whose block table is huge: a
# 100 GiB dynamic VHD of 512-byte blocks with nothing allocated, 209,715,200 table entries in an
# 800 MiB table, made once by `vhd create` in the work directory. Wall-clock seconds measured by
# /usr/bin/time, the median of N runs (default 5) each, the two tools alternating run by run,
# printed with the ratio vhd/qemu; the target is a ratio of at most 2.0 for each operation:
#
#   vhd info IMG                    vs  qemu-img info IMG
#   vhd map --json IMG              vs  qemu-img map --output=json IMG
#   vhd convert -O raw IMG OUT      vs  qemu-img convert -f vpc -O raw IMG OUT      (OUT a new file)
#   vhd convert -O dynamic IMG OUT  vs  qemu-img convert -f vpc -O vpc IMG OUT
#
# Page cache is warm for both tools (one unmeasured run of each first). Needs qemu-img and the
# repository's bin/vhd. Runs disturbed by free page reporting are set aside and measured again,
# as in compare.sh (RETRIES, see compare-lib.sh).
# Usage: [RETRIES=N] jmh/compare-tables.sh [RUNS] [WORKDIR]
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
work="${2:-${TMPDIR:-/tmp}/vhd4j-compare-tables}"
vhd="$top/bin/vhd"
# shellcheck source=compare-lib.sh
. "$top/jmh/compare-lib.sh"
"$vhd" --version >/dev/null   # builds the jar if needed, outside the measurements
img="$work/tiny-blocks-100g.vhd"
if [ ! -f "$img" ]; then
  rm -f "$img.part"
  "$vhd" create -t dynamic --block-size 512 --size 100G "$img.part" >/dev/null
  mv "$img.part" "$img"
fi

out="$work/out.raw"
outv="$work/out.vhd"
header "image: $img ($(stat -c %s "$img") bytes, 512-byte blocks), median of $runs runs; target: ratio <= 2.0"
compare "info" ":" "$vhd" info "$img" -- qemu-img info "$img"
compare "map --json" ":" "$vhd" map --json "$img" -- qemu-img map --output=json "$img"
# The outputs are sparse (nothing is allocated), so the sync before each run has little to do.
compare "convert -O raw" "rm -f '$out'; sync" \
  "$vhd" convert -O raw "$img" "$out" -- qemu-img convert -f vpc -O raw "$img" "$out"
compare "convert -O dynamic (qemu: -O vpc)" "rm -f '$outv'; sync" \
  "$vhd" convert -O dynamic "$img" "$outv" -- qemu-img convert -f vpc -O vpc "$img" "$outv"
rm -f "$out" "$outv"
