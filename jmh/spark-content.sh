#!/usr/bin/env bash
# Spark content-mode benchmark (DESIGN.md "Performance budgets": content mode scales at least 1.6x
# from one core to two). Makes 4 x 1 GiB dynamic VHDs of random data under
# /tmp/vhd4j-spark-bench (kept and reused), reads them all in content mode with local[1] and
# local[2] (spark/src/test/java/.../bench/ContentBench.java, full JIT, one warm-up run each, then
# 3 runs interleaved) in two workloads: "read" (every byte touched, sum(length(data))) and
# "sha256" (sha2(data, 256) of every 4 MiB chunk). Then times single-process `bin/vhd cat IMG`
# of the same images, one after another, into /dev/null and into sha256sum, 3 times each.
# Prints the machine, the JDK, the load, the medians and the ratios.
#
# Usage: jmh/spark-content.sh            (from the project root, after mvn install)
#        MVN_REPO=/path/to/m2 jmh/spark-content.sh   to use another local Maven repository
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir=/tmp/vhd4j-spark-bench
mkdir -p "$dir"
for i in 1 2 3 4; do
  img="$dir/disk$i.vhd"
  if [ ! -f "$img" ]; then
    raw="$dir/disk$i.raw"
    head -c 1073741824 /dev/urandom > "$raw"
    qemu-img convert -f raw -O vpc -o subformat=dynamic "$raw" "$img"
    rm -f "$raw"
  fi
done
repo=()
if [ -n "${MVN_REPO:-}" ]; then repo=("-Dmaven.repo.local=$MVN_REPO"); fi

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "jdk: $(java -version 2>&1 | head -1)"
echo "images: $(du -b --apparent-size -c "$dir"/*.vhd | tail -1 | cut -f1) bytes in $(ls "$dir"/*.vhd | wc -l) files"
# Page cache warm for both contestants.
cat "$dir"/*.vhd > /dev/null

out="$top/spark/target/content-bench.txt"
rm -f "$out"
(cd "$top" && mvn -q -o "${repo[@]}" -pl spark surefire:test -Dtest=ContentBench \
    -Dsurefire.failIfNoSpecifiedTests=false -Dspark.test.jit.flags=-XX:+TieredCompilation \
    -DtrimStackTrace=false \
    -Dvhd4j.bench.dir="$dir" -Dvhd4j.bench.out="$out" -Dvhd4j.bench.repeats=3)
cat "$out"

"$top/bin/vhd" --version > /dev/null    # builds the tool now if needed, outside the timing
median_cat() {   # $1: "null" or "sha256"
  local times=() t0 t1
  for round in 1 2 3; do
    t0=$(date +%s%N)
    for img in "$dir"/*.vhd; do
      if [ "$1" = null ]; then "$top/bin/vhd" cat "$img" > /dev/null; else "$top/bin/vhd" cat "$img" | sha256sum > /dev/null; fi
    done
    t1=$(date +%s%N)
    times+=("$(( (t1 - t0) / 1000000 ))")
    echo "run $round vhd cat ($1, 4 images, sequential): ${times[-1]} ms" >&2
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 2p
}
cat_null=$(median_cat null)
cat_sha=$(median_cat sha256)
echo "median vhd cat > /dev/null: $cat_null ms"
echo "median vhd cat | sha256sum: $cat_sha ms"
m() { sed -n "s/^median $1 local\[$2\]: \([0-9]*\) ms/\1/p" "$out"; }
awk -v r1="$(m read 1)" -v r2="$(m read 2)" -v h1="$(m sha256 1)" -v h2="$(m sha256 2)" \
    -v cn="$cat_null" -v cs="$cat_sha" 'BEGIN {
  printf "read:   scaling local[1]/local[2] %.2fx; vhd cat>/dev/null / local[1] %.2f, / local[2] %.2f\n", r1 / r2, cn / r1, cn / r2;
  printf "sha256: scaling local[1]/local[2] %.2fx; vhd cat|sha256sum / local[1] %.2f, / local[2] %.2f\n", h1 / h2, cs / h1, cs / h2 }'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
