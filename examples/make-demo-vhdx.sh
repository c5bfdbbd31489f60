#!/usr/bin/env bash
# Makes examples/demo.vhdx, the small VHDX image the README's VHDX example reads. Like demo.vhd it
# is made by QEMU, not by vhd4j. qemu-img convert marks the blocks it leaves unwritten ZERO.
# Needs qemu-img (Debian package qemu-utils). Run from anywhere; writes beside this script.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
truncate -s 8M "$raw"
printf 'Hello from a VHDX made by qemu-img. Read me with: bin/vhd cat --length 93 examples/demo.vhdx\n' |
  dd of="$raw" conv=notrunc status=none
# A second written range in the last 1 MiB block, so the map shows two data runs.
printf 'last block\n' | dd of="$raw" bs=512 seek=$((8 * 2048 - 1)) conv=notrunc status=none
rm -f demo.vhdx
qemu-img convert -f raw -O vhdx -o subformat=dynamic,block_size=1M "$raw" demo.vhdx
qemu-img info demo.vhdx
