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
# Usage: jmh/compare.sh [RUNS] [WORKDIR]   (medians of RUNS, default 5; also the fastest run)
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
work="${2:-${TMPDIR:-/tmp}/vhd4j-compare}"
vhd="$top/bin/vhd"
command -v qemu-img >/dev/null || { echo "compare.sh: qemu-img not found (apt-get install qemu-utils)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "compare.sh: /usr/bin/time not found (apt-get install time)" >&2; exit 1; }
mkdir -p "$work"
img="$work/random-2g.vhd"
if [ ! -f "$img" ]; then
  head -c $((2 << 30)) /dev/urandom > "$work/random-2g.raw"
  qemu-img convert -f raw -O vpc "$work/random-2g.raw" "$img.part"
  mv "$img.part" "$img"
fi
raw="$work/random-2g.raw"
[ -f "$raw" ] || qemu-img convert -f vpc -O raw "$img" "$raw"
"$vhd" --version >/dev/null   # builds the jar if needed, outside the measurements

seconds() {  # command... -> wall seconds
  /usr/bin/time -f %e -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  cat "$work/t"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# Runs the two commands alternately, one after the other, N times (after one unmeasured run of
# each) and prints both medians: on a shared machine, disk and CPU conditions drift, and
# alternating exposes both tools to the same drift.
compare() {  # label prepare vhd-cmd -- qemu-cmd
  local label="$1" prepare="$2"; shift 2
  local a=() b=()
  while [ "$1" != "--" ]; do a+=("$1"); shift; done
  shift; b=("$@")
  eval "$prepare"; seconds "${a[@]}" >/dev/null
  eval "$prepare"; seconds "${b[@]}" >/dev/null
  : > "$work/va"; : > "$work/vb"
  for _ in $(seq "$runs"); do
    eval "$prepare"; seconds "${a[@]}" >> "$work/va"
    eval "$prepare"; seconds "${b[@]}" >> "$work/vb"
  done
  local v q vm qm
  v=$(median < "$work/va"); q=$(median < "$work/vb")
  vm=$(sort -g "$work/va" | head -1); qm=$(sort -g "$work/vb" | head -1)
  printf '%-34s %10.2f %10.2f %8.2f %10.2f %10.2f %8.2f\n' "$label" "$v" "$q" \
    "$(awk -v a="$v" -v b="$q" 'BEGIN {print a / b}')" "$vm" "$qm" "$(awk -v a="$vm" -v b="$qm" 'BEGIN {print a / b}')"
  printf '  runs: vhd %s; qemu %s\n' "$(tr '\n' ' ' < "$work/va")" "$(tr '\n' ' ' < "$work/vb")"
}

out="$work/out.raw"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
echo "java: $(java -version 2>&1 | head -1); qemu-img: $(qemu-img --version | head -1)"
echo "image: $img ($(stat -c %s "$img") bytes), median of $runs runs"
# The budget is on medians; the fastest run of each is printed too, because on a shared machine
# the slow runs come from the environment (writeback, discards, neighbours), not from the tool.
printf '%-34s %10s %10s %8s %10s %10s %8s\n' "operation" "vhd s" "qemu s" "ratio" "vhd min" "qemu min" "ratio"
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
