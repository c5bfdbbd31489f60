#!/usr/bin/env bash
# Fuzzes every target in turn, one target per JVM, and appends one row per target to CAMPAIGNS.md.
#
#   fuzz/run-campaigns.sh DURATION [Class#method ...]
#
# DURATION is Jazzer's syntax (90s, 3m, 1h) or plain seconds. Without target arguments every
# target of TARGETS below is fuzzed. Unattended: a finding, a crash or a hang of one target is
# recorded and the script goes on with the next; it exits 1 at the end when any target had a
# finding or did not finish cleanly, else 0.
#
# Each campaign runs `mvn -Pfuzz -pl fuzz -am test -Dtest=<target>` from the project root (the
# reactor build, so the fuzzed code is this checkout's, never a stale jar in ~/.m2). libFuzzer's
# corpus grows in fuzz/.cifuzz-corpus/ (not committed) and is reused by the next campaign.
# A finding is written by Jazzer into the target's inputs directory; this script moves it to
# fuzz/findings/<Class>Inputs/<method>/ (not committed, see fuzz/.gitignore) so that plain
# `mvn verify` stays green until the library is fixed: then move the file into the inputs
# directory under a descriptive name, where regression mode replays it forever.
#
# Environment: MVN (default mvn), MVN_ARGS (extra Maven arguments, default -o for offline).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
res="$here/src/test/resources/io/github/vhd4j/fuzz"
logs="$here/target/campaigns"
record="$here/CAMPAIGNS.md"
mvn_cmd="${MVN:-mvn}"
read -r -a mvn_args <<< "${MVN_ARGS:--o}"

TARGETS=(
  ImageOpenFuzzTest#shouldOpenReadMapAndCheckAnyBytes
  StorageDifferentialFuzzTest#shouldAgreeAcrossStorageEngines
  FooterParseFuzzTest#shouldParseAnyFooterFields
  DynamicHeaderParseFuzzTest#shouldParseAnyHeaderFields
  ParentLocatorParseFuzzTest#shouldConfineParentsWhateverTheLocators
  DifferencingChainFuzzTest#shouldReadFuzzedChildOverValidParent
  DifferencingChainFuzzTest#shouldReadValidChildOverFuzzedParent
  CliJsonFuzzTest#shouldPrintJsonOrOneErrorLine
  VhdxOpenFuzzTest#shouldOpenReadMapAndCheckAnyVhdx
  VhdxStorageDifferentialFuzzTest#shouldAgreeAcrossStorageEngines
  VhdxLogReplayFuzzTest#shouldReplayInMemoryWithoutWritingAndAsRepairDoes
  VhdxLocatorFuzzTest#shouldParseAnyLocatorWithinItsProblems
)

if [ $# -lt 1 ]; then
  echo "usage: $0 DURATION [Class#method ...]" >&2
  exit 2
fi
duration="$1"
shift
if [ $# -gt 0 ]; then
  TARGETS=("$@")
fi

# Duration in seconds, for the watchdog.
seconds() {
  local d="$1"
  case "$d" in
    *h) echo $(( ${d%h} * 3600 )) ;;
    *m) echo $(( ${d%m} * 60 )) ;;
    *s) echo "${d%s}" ;;
    *) echo "$d" ;;
  esac
}
secs="$(seconds "$duration")" || { echo "bad duration: $duration" >&2; exit 2; }
[[ "$secs" =~ ^[0-9]+$ ]] || { echo "bad duration: $duration" >&2; exit 2; }
# Jazzer wants a unit.
[[ "$duration" =~ ^[0-9]+$ ]] && duration="${duration}s"

mkdir -p "$logs"
if [ ! -f "$record" ]; then
  echo "error: $record is missing" >&2
  exit 2
fi
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty=""
git -C "$root" diff --quiet HEAD -- core cli fuzz/src 2>/dev/null || dirty="+dirty"
failures=0

for target in "${TARGETS[@]}"; do
  cls="${target%%#*}"
  method="${target##*#}"
  inputs="$res/${cls}Inputs/$method"
  log="$logs/$cls-$method.log"
  mkdir -p "$inputs"
  before="$(ls -1 "$inputs" 2>/dev/null | sort)"
  start="$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "== $target for $duration (log: $log)"

  # The watchdog allows the regression pass, start-up and shutdown on top of the duration.
  timeout --kill-after=60 $(( secs + 900 )) \
    "$mvn_cmd" -B "${mvn_args[@]}" -Pfuzz -pl fuzz -am test -Dtest="$target" -Dfuzz.duration="$duration" \
      -Dsurefire.failIfNoSpecifiedTests=false -f "$root/pom.xml" > "$log" 2>&1
  status=$?

  done_line="$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1)"
  runs="$(sed -E 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\1/' <<< "$done_line")"
  took="$(sed -E 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\2/' <<< "$done_line")"
  last="$(grep -E '^#[0-9]+' "$log" | tail -1)"
  cov="$(grep -oE 'cov: [0-9]+ ft: [0-9]+' <<< "$last" | tail -1)"
  corp="$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' <<< "$last" | tail -1 | sed 's/corp: //')"
  if [ -z "$runs" ]; then
    # libFuzzer prints no "Done" line when it stops on a finding: use its last status line.
    runs="$(grep -oE '^#[0-9]+' <<< "$last" | tr -d '#')"
    took=""
  fi
  rate="-"
  if [ -n "${runs:-}" ] && [ -n "${took:-}" ] && [ "$took" -gt 0 ]; then
    rate=$(( runs / took ))
  fi

  after="$(ls -1 "$inputs" 2>/dev/null | sort)"
  new="$(comm -13 <(echo "$before") <(echo "$after") | grep -E '^(crash|timeout|oom|leak|slow-unit)-' || true)"
  findings=""
  if [ -n "$new" ]; then
    dest="$here/findings/${cls}Inputs/$method"
    mkdir -p "$dest"
    for f in $new; do
      mv "$inputs/$f" "$dest/$f"
      findings="$findings findings/${cls}Inputs/$method/$f"
    done
  fi
  what="$(grep -m1 -E '^== Java Exception|^== libFuzzer crashing input|ERROR: libFuzzer: timeout|FuzzTestFindingException' "$log" \
    | sed -E 's/^\[ERROR\] *//; s/\|/\\|/g' | cut -c1-200)"
  if [ $status -eq 0 ] && [ -z "$findings" ]; then
    outcome="none"
  else
    failures=$(( failures + 1 ))
    if [ -n "$findings" ]; then
      outcome="${findings# }: ${what:-see log}"
    elif [ $status -eq 124 ] || [ $status -eq 137 ]; then
      outcome="watchdog killed the run (status $status); see log"
    else
      outcome="run failed (status $status): ${what:-see log}"
    fi
  fi
  printf '| %s | %s%s | %s | %s | %s | %s | %s | %s | %s |\n' "$start" "$commit" "$dirty" "$target" "$duration" \
    "${runs:--}" "$rate" "${cov:--}" "${corp:--}" "$outcome" >> "$record"
  echo "   executions ${runs:--}, exec/s $rate, ${cov:-no coverage line}, finding: $outcome"
done

if [ $failures -gt 0 ]; then
  echo "$failures target(s) had findings or failed; see $record" >&2
  exit 1
fi
echo "no findings"
