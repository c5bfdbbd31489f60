#!/usr/bin/env bash
# Whole-process comparison of `vhd checksum` with what a user runs today to get the digest of a
# disk image's content: qemu-img convert to a raw file, then sha256sum of that file (qemu-img
# cannot write raw into a pipe). Wall-clock seconds measured by /usr/bin/time, the median of N
# runs (default 5), the two alternating run by run, printed with the ratio vhd/qemu (below 1.0:
# vhd is faster). The budget (docs/design.md, "Performance budgets"): checksum no slower.
#
#   vhd checksum IMG   vs  sh -c 'qemu-img convert -f vpc -O raw IMG RAW && sha256sum RAW'
#   vhd checksum X     vs  sh -c 'qemu-img convert -f vhdx -O raw X RAW && sha256sum RAW'
#
# The images are compare.sh's (made there, or here when missing): a fully allocated dynamic VHD
# and a VHDX of the same 2 GiB of random data. Page cache is warm for both (one unmeasured run of
# each first); RAW is removed and the disk synced before every run. After the runs, the digests
# are compared: vhd's must equal sha256sum's of qemu-img's raw file.
# Usage: [RETRIES=N] [ONLY=TEXT] jmh/checksum.sh [RUNS] [WORKDIR]
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
work="${2:-${TMPDIR:-/tmp}/vhd4j-compare}"
vhd="$top/bin/vhd"
# shellcheck source=compare-lib.sh
. "$top/jmh/compare-lib.sh"
command -v sha256sum >/dev/null || { echo "$me: sha256sum not found" >&2; exit 1; }
random_images
"$vhd" --version >/dev/null   # builds the jar and the CDS archive if needed, outside the measurements

# Its own name: compare.sh may run in the same directory and removes its out.raw.
raw="$work/checksum-out.raw"
header "images: $img ($(stat -c %s "$img") bytes), $imgx ($(stat -c %s "$imgx") bytes), median of $runs runs"
compare "checksum VHD (vs convert+sha256sum)" "rm -f '$raw'; sync" \
  "$vhd" checksum "$img" -- sh -c "qemu-img convert -f vpc -O raw '$img' '$raw' && sha256sum '$raw'"
compare "checksum VHDX (vs convert+sha256sum)" "rm -f '$raw'; sync" \
  "$vhd" checksum "$imgx" -- sh -c "qemu-img convert -f vhdx -O raw '$imgx' '$raw' && sha256sum '$raw'"
for f in "$img:vpc" "$imgx:vhdx"; do
  rm -f "$raw"
  qemu-img convert -f "${f##*:}" -O raw "${f%:*}" "$raw"
  theirs=$(sha256sum "$raw" | cut -d' ' -f1)
  ours=$("$vhd" checksum "${f%:*}" | cut -d' ' -f1)
  if [ "$ours" = "$theirs" ]; then
    echo "digest of ${f%:*}: equal ($ours)"
  else
    echo "digest of ${f%:*}: DIFFERENT: vhd $ours, sha256sum of qemu-img's raw $theirs" >&2
    exit 1
  fi
done
rm -f "$raw"
