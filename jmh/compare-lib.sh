# Shared by compare.sh and compare-tables.sh (sourced, not run): the tools they need, timing of
# whole processes, medians, and the alternating comparison of a vhd command with a qemu-img
# command. The caller sets `work` (a scratch directory, made here) and `runs` (runs per command)
# before sourcing this file.
me="${0##*/}"
command -v qemu-img >/dev/null || { echo "$me: qemu-img not found (apt-get install qemu-utils)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "$me: /usr/bin/time not found (apt-get install time)" >&2; exit 1; }
mkdir -p "$work"

# Prints the machine, the tools, the line given (what is measured) and the table's header.
header() {  # description
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
  echo "java: $(java -version 2>&1 | head -1); qemu-img: $(qemu-img --version | head -1)"
  echo "$1"
  # The budget is on medians; the fastest run of each is printed too, because on a shared machine
  # slow runs come from the environment (page reporting, neighbours), not from the tool.
  printf '%-34s %10s %10s %8s %10s %10s %8s\n' "operation" "vhd s" "qemu s" "ratio" "vhd min" "qemu min" "ratio"
}

# Free page reporting (virtio-balloon): the guest hands free pages back to the host, and a page
# handed back costs a host fault when it is used again. On the VM these numbers come from, a run
# of either tool takes 2-6 s instead of 0.6-0.9 s when the kernel reports, while it runs, the
# 2 GiB that the `rm` before it freed (2026-11-22, qemu-img alone, nine runs: the three with
# 1.1-1.3 GiB reported took 4.5-6.4 s, the four with 0.1-0.4 GiB 1.9-2.5 s, the two with none
# 1.0-1.2 s; in another series, /proc/diskstats showed no disk I/O during any run, slow or fast).
# Which runs it hits looks random, and often favours one tool: in three runs of this script, 23
# of 30 vhd conversions were hit against 15 of 30 qemu-img ones; in the next two, 0 vhd VHD-to-raw
# runs against 11 qemu-img ones. So where the kernel exposes the counter, a run during which it
# reported pages is set aside, printed, and measured again (at most RETRIES times, default 5; 0
# keeps every run); the medians are of the runs that count, and compare the tools rather than the
# page reporter.
reported=/sys/module/page_reporting/parameters/reported_kib
seconds() {  # command... -> wall seconds, followed by the MiB reported meanwhile if any
  local r0=0 r1=0
  [ -r "$reported" ] && r0=$(cat "$reported")
  /usr/bin/time -f %e -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  [ -r "$reported" ] && r1=$(cat "$reported")
  if [ $(((r1 - r0) / 1024)) -gt 0 ]; then
    echo "$(cat "$work/t") $(((r1 - r0) / 1024))"
  else
    cat "$work/t"
  fi
}
retries="${RETRIES:-5}"
# One measured run of a command: prepares and runs it; a run disturbed by page reporting goes to
# FILE.aside and is run again, up to $retries times, the last try counting whatever it shows.
measure() {  # file prepare command...
  local file="$1" prepare="$2"; shift 2
  local r try=0
  while :; do
    eval "$prepare"; r=$(seconds "$@")
    if [ "${r#* }" = "$r" ] || [ "$try" -ge "$retries" ]; then echo "$r" >> "$file"; return; fi
    echo "$r" >> "$file.aside"; try=$((try + 1))
  done
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# One tool's runs in the order they ran; a run during which pages were reported reads 3.65(+1164).
runs_of() { awk '{printf "%s%s ", $1, (NF > 1 ? "(+" $2 ")" : "")}' "$1"; }
# Runs the two commands alternately, one after the other, N times (after one unmeasured run of
# each) and prints both medians: on a shared machine, memory and CPU conditions drift, and
# alternating exposes both tools to the same drift.
# With ONLY set, only the operations whose label holds it run.
compare() {  # label prepare vhd-cmd -- qemu-cmd
  local label="$1" prepare="$2"; shift 2
  if [ -n "${ONLY:-}" ] && [[ "$label" != *"$ONLY"* ]]; then return; fi
  local a=() b=()
  while [ "$1" != "--" ]; do a+=("$1"); shift; done
  shift; b=("$@")
  eval "$prepare"; seconds "${a[@]}" >/dev/null
  eval "$prepare"; seconds "${b[@]}" >/dev/null
  : > "$work/va"; : > "$work/vb"; : > "$work/va.aside"; : > "$work/vb.aside"
  for _ in $(seq "$runs"); do
    measure "$work/va" "$prepare" "${a[@]}"
    measure "$work/vb" "$prepare" "${b[@]}"
  done
  local v q vm qm
  v=$(cut -d' ' -f1 "$work/va" | median); q=$(cut -d' ' -f1 "$work/vb" | median)
  vm=$(cut -d' ' -f1 "$work/va" | sort -g | head -1); qm=$(cut -d' ' -f1 "$work/vb" | sort -g | head -1)
  printf '%-34s %10.2f %10.2f %8.2f %10.2f %10.2f %8.2f\n' "$label" "$v" "$q" \
    "$(awk -v a="$v" -v b="$q" 'BEGIN {print a / b}')" "$vm" "$qm" "$(awk -v a="$vm" -v b="$qm" 'BEGIN {print a / b}')"
  printf '  runs: vhd %s; qemu %s\n' "$(runs_of "$work/va")" "$(runs_of "$work/vb")"
  if [ -s "$work/va.aside" ] || [ -s "$work/vb.aside" ]; then
    printf '  set aside (pages reported meanwhile): vhd %s; qemu %s\n' "$(runs_of "$work/va.aside")" \
      "$(runs_of "$work/vb.aside")"
  fi
}

# The 2 GiB images compare.sh and checksum.sh share, made once in $work and reused: random-2g.raw
# (random bytes), random-2g.vhd (a fully allocated dynamic VHD `qemu-img convert -O vpc` makes of
# it) and random-2g.vhdx (the same as VHDX: 16 MiB blocks for 2 GiB, all present, in order). Sets
# img, raw and imgx. Each is written under a temporary name and renamed, so an interrupted run
# never leaves half an image to be reused.
random_images() {
  img="$work/random-2g.vhd"
  raw="$work/random-2g.raw"
  imgx="$work/random-2g.vhdx"
  if [ ! -f "$img" ]; then
    head -c $((2 << 30)) /dev/urandom > "$raw.part"
    mv "$raw.part" "$raw"
    qemu-img convert -f raw -O vpc "$raw" "$img.part"
    mv "$img.part" "$img"
  fi
  if [ ! -f "$raw" ]; then
    qemu-img convert -f vpc -O raw "$img" "$raw.part"
    mv "$raw.part" "$raw"
  fi
  if [ ! -f "$imgx" ]; then
    qemu-img convert -f raw -O vhdx "$raw" "$imgx.part"
    mv "$imgx.part" "$imgx"
  fi
}
