#!/usr/bin/env bash
# Makes examples/demo.vhd, the small image the README's first command inspects. It is made by
# QEMU, not by vhd4j, so the README shows vhd4j reading a real tool's output.
# Needs qemu-img (Debian package qemu-utils). Run from anywhere; writes beside this script.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
truncate -s 8M "$raw"
printf 'Hello from a VHD made by qemu-img. Read me with: bin/vhd cat --length 96 examples/demo.vhd\n' |
  dd of="$raw" conv=notrunc status=none
# A second written range in the last block, so the map shows two data runs and holes.
printf 'last block\n' | dd of="$raw" bs=512 seek=$((8 * 2048 - 1)) conv=notrunc status=none
rm -f demo.vhd
qemu-img convert -f raw -O vpc "$raw" demo.vhd
qemu-img info demo.vhd
