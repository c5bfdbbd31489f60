#!/usr/bin/env bash
# Whole-process comparison for many small images (DESIGN.md "Scale"): one `vhd check --json DIR`
# and one `vhd info --json DIR` over N images, against one `qemu-img info` process per image (a
# shell loop, as a script without vhd would run it). Wall-clock seconds by /usr/bin/time, the
# median of RUNS runs of each, the tools alternating run by run, and the ratio qemu/vhd (the
# budget: at least 10).
#
# The images are dynamic VHDs of 64 MiB made by `qemu-img create -f vpc` (2.5 KiB each: footer
# copy, header, block table, footer), copied N times into the work directory, so page cache is
# warm for both tools (one unmeasured run of each first). With QEMU_N below N, the qemu-img loop
# runs over the first QEMU_N images only and its time is scaled to N (printed as such): the loop
# costs the same per image whatever N is, and at ~5 ms a process it dominates the script's time.
# Needs qemu-img and the repository's bin/vhd.
# Usage: [QEMU_N=M] jmh/batch.sh [N] [RUNS] [WORKDIR]   (defaults: 10000 images, 3 runs)
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-10000}"
runs="${2:-3}"
work="${3:-${TMPDIR:-/tmp}/vhd4j-batch}"
qn="${QEMU_N:-$n}"
[ "$qn" -le "$n" ] || qn="$n"
vhd="$top/bin/vhd"
# shellcheck source=compare-lib.sh
. "$top/jmh/compare-lib.sh"
export RETRIES=0   # page reporting does not concern kilobyte files; keep every run

imgs="$work/images-$n"
if [ ! -f "$imgs/.complete" ]; then
  rm -rf "$imgs"
  mkdir -p "$imgs"
  qemu-img create -q -f vpc "$work/template.vhd" 64M
  # tee writes one input to many files in one process: far quicker than a cp per image.
  seq -f "$imgs/img%05g.vhd" 0 $((n - 1)) | xargs -n 500 sh -c 'tee "$@" < "$0" > /dev/null' "$work/template.vhd"
  touch "$imgs/.complete"   # hidden: vhd skips it, and the qemu loop takes *.vhd only
fi
"$vhd" --version >/dev/null   # builds the jar if needed, outside the measurements
# awk, not head: head would close the pipe early, and pipefail would end the script.
printf '%s\n' "$imgs"/*.vhd | awk -v n="$qn" 'NR <= n' > "$work/qemu-list"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "java: $(java -version 2>&1 | head -1); qemu-img: $(qemu-img --version | head -1)"
echo "vhd: $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "N = $n dynamic VHDs of $(stat -c %s "$work/template.vhd") bytes in one directory; median of $runs runs"
# shellcheck disable=SC2016 # the loop is expanded by the inner shell
qemu_loop=(bash -c 'while IFS= read -r f; do qemu-img info "$f" > /dev/null || exit 1; done < "$0"' "$work/qemu-list")
time_of() {  # file command... : appends one run's seconds
  seconds "${@:2}" | cut -d' ' -f1 >> "$1"
}
: > "$work/check"; : > "$work/info"; : > "$work/qemu"
seconds "$vhd" check --json "$imgs" >/dev/null; seconds "$vhd" info --json "$imgs" >/dev/null
seconds "${qemu_loop[@]}" >/dev/null
for _ in $(seq "$runs"); do
  time_of "$work/check" "$vhd" check --json "$imgs"
  time_of "$work/info" "$vhd" info --json "$imgs"
  time_of "$work/qemu" "${qemu_loop[@]}"
done
lines=$("$vhd" check --json "$imgs" | wc -l)
[ "$lines" -eq "$n" ] || { echo "$me: vhd check printed $lines lines for $n images" >&2; exit 1; }
c=$(median < "$work/check"); i=$(median < "$work/info"); q=$(median < "$work/qemu")
qs=$(awk -v q="$q" -v a="$qn" -v b="$n" 'BEGIN {print q * b / a}')
scaled=""
[ "$qn" -eq "$n" ] || scaled=" (measured on $qn images, scaled to $n)"
printf '%-44s %8.2f s   runs: %s\n' "vhd check --json DIR" "$c" "$(tr '\n' ' ' < "$work/check")"
printf '%-44s %8.2f s   runs: %s\n' "vhd info --json DIR" "$i" "$(tr '\n' ' ' < "$work/info")"
printf '%-44s %8.2f s   runs: %s%s\n' "qemu-img info, one process per image" "$qs" "$(tr '\n' ' ' < "$work/qemu")" \
  "$scaled"
printf 'ratio qemu/vhd: check %.1f, info %.1f (budget: at least 10)\n' \
  "$(awk -v q="$qs" -v v="$c" 'BEGIN {print q / v}')" "$(awk -v q="$qs" -v v="$i" 'BEGIN {print q / v}')"
