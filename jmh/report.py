#!/usr/bin/env python3
"""Turns JMH JSON results (java -jar benchmarks.jar ... -rf json) into the tables of RESULTS.md.

    jmh/report.py [--median] RESULT.json [RESULT.json ...]

Prints Markdown: read throughput per fixture and storage with its ratio to the raw-mmap
baseline, the budget checks of DESIGN.md (as ratios measured in the same run), the open
benchmark with its allocation per open, and the Agrona/ByteBuffer copy comparison. Only the
standard library is used, so it runs on a fresh machine. With --median, each score is the median
of the measured iterations and its error half their range, which a shared machine's slow phases
move less than JMH's mean and confidence interval.
"""
import json
import sys

MIB = 1 << 20


def load(paths):
    rows = []
    for p in paths:
        with open(p) as f:
            rows.extend(json.load(f))
    return rows


def short(benchmark):
    cls, method = benchmark.rsplit(".", 2)[-2:]
    return cls, method


MEDIAN = False


def score(row):
    m = row["primaryMetric"]
    if MEDIAN:
        raw = sorted(x for fork in m["rawData"] for x in fork)
        mid = len(raw) // 2
        med = raw[mid] if len(raw) % 2 else (raw[mid - 1] + raw[mid]) / 2
        return med, (raw[-1] - raw[0]) / 2, m["scoreUnit"]
    return m["score"], m["scoreError"], m["scoreUnit"]


def norm(row):
    """Bytes allocated per operation (JMH's -prof gc), or None when the run had no profiler."""
    return row.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")


def fmt_alloc(a):
    return "-" if a is None else f"{a:.3f}"


def fmt(x):
    return f"{x:,.0f}"


def main(paths):
    rows = load(paths)
    if not rows:
        sys.exit("report.py: no results")
    first = rows[0]
    print(f"JMH {first['jmhVersion']}, {first['vmName']} {first['vmVersion']} (JDK {first['jdkVersion']}), "
          f"{first['forks']} fork, {first['warmupIterations']} x {first['warmupTime']} warm-up, "
          f"{first['measurementIterations']} x {first['measurementTime']} measured; "
          + ("scores are medians of the measured iterations ± half their range.\n" if MEDIAN
             else "scores are means with JMH's 99.9% error.\n"))

    base = {}
    read = {}
    copy = []
    opens = []
    for r in rows:
        cls, method = short(r["benchmark"])
        s, e, unit = score(r)
        p = r.get("params", {})
        if cls == "RawMmapBaseline":
            base[method] = (s, e, norm(r))
        elif cls == "ReadBenchmark":
            read[(method, p.get("image", "?"), p.get("storage", "?"))] = (s, e, norm(r))
        elif cls == "CopyBenchmark":
            copy.append((method, p.get("destination"), int(p.get("length", 0)), s, e))
        elif cls == "OpenBenchmark":
            alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
            opens.append((method, p.get("storage", "?"), s, e, unit, alloc))

    if read:
        methods = ["sequential1MiB", "sequential1MiBTwoThreads", "random4KiB", "random4KiBTwoThreads"]
        print("| benchmark | image | storage | ops/s | MiB/s | vs raw mmap | B/op allocated |")
        print("|---|---|---|---:|---:|---:|---:|")
        for m in methods:
            size = MIB if m.startswith("sequential") else 4096
            if m in base:
                s, e, a = base[m]
                print(f"| {m} | raw file | baseline | {fmt(s)} ± {fmt(e)} | {fmt(s * size / MIB)} | 1.00 | {fmt_alloc(a)} |")
            for (mm, fixture, storage), (s, e, a) in sorted(read.items()):
                if mm != m:
                    continue
                ratio = f"{s / base[m][0]:.2f}" if m in base else "-"
                print(f"| {m} | {fixture} | {storage} | {fmt(s)} ± {fmt(e)} | {fmt(s * size / MIB)} | {ratio} | {fmt_alloc(a)} |")
        print()

        def get(m, fixture="dynamic", storage="MAPPED"):
            return read.get((m, fixture, storage), (float("nan"), 0, None))[0]

        seq = get("sequential1MiB")
        rnd = get("random4KiB")
        rnd2 = get("random4KiBTwoThreads")
        print("| budget (DESIGN.md) | measured | ratio | met |")
        print("|---|---|---:|---|")
        if "sequential1MiB" in base:
            r = seq / base["sequential1MiB"][0]
            print(f"| mapped sequential 1 MiB >= 0.9 x raw mmap (dynamic, 1 thread) | {fmt(seq)} vs {fmt(base['sequential1MiB'][0])} ops/s "
                  f"| {r:.2f} | {'yes' if r >= 0.9 else 'NO'} |")
        print(f"| random 4 KiB >= 1,000,000/s (dynamic, mapped, 1 thread) | {fmt(rnd)} /s | {rnd / 1e6:.2f} "
              f"| {'yes' if rnd >= 1e6 else 'NO'} |")
        print(f"| two threads faster than one (random 4 KiB) | {fmt(rnd2)} vs {fmt(rnd)} /s | {rnd2 / rnd:.2f} "
              f"| {'yes' if rnd2 > rnd else 'NO'} |")
        # Issue 17's budgets for VHDX, when the run has its rows.
        for fixture in ("vhdx", "vhdxFixed"):
            if ("sequential1MiB", fixture, "MAPPED") not in read:
                continue
            seqx = get("sequential1MiB", fixture)
            rndx = get("random4KiB", fixture)
            if "sequential1MiB" in base:
                r = seqx / base["sequential1MiB"][0]
                print(f"| VHDX: mapped sequential 1 MiB >= 0.9 x raw mmap ({fixture}, 1 thread) | {fmt(seqx)} vs "
                      f"{fmt(base['sequential1MiB'][0])} ops/s | {r:.2f} | {'yes' if r >= 0.9 else 'NO'} |")
            print(f"| VHDX: random 4 KiB >= 1,000,000/s ({fixture}, mapped, 1 thread) | {fmt(rndx)} /s | {rndx / 1e6:.2f} "
                  f"| {'yes' if rndx >= 1e6 else 'NO'} |")
        print()

    if opens:
        images = {"open2040GiB": "2040 GiB, every BAT entry allocated (1,044,480)",
                  "open100GiBOf512ByteBlocks": "100 GiB of 512-byte blocks, none allocated (209,715,200)",
                  "open2GiBAllocatedOf512ByteBlocks": "2 GiB of 512-byte blocks, all allocated (4,194,304)",
                  "open64TiBVhdx": "64 TiB VHDX of 32 MiB blocks, every block present (2,097,152 blocks, 2,113,535 entries)"}
        print("| open | storage | time | allocated per open |")
        print("|---|---|---:|---:|")
        for method, storage, s, e, unit, alloc in sorted(opens):
            a = f"{alloc / MIB:.1f} MiB" if alloc is not None else "-"
            print(f"| {images.get(method, method)} | {storage} | {s:.1f} ± {e:.1f} {unit} | {a} |")
        print()

    if copy:
        print("| copy into | length | ByteBuffer.put (ops/s) | Agrona UnsafeBuffer.getBytes (ops/s) | Agrona / ByteBuffer |")
        print("|---|---:|---:|---:|---:|")
        by = {}
        for method, dest, length, s, e in copy:
            by.setdefault((dest, length), {})[method] = (s, e)
        for (dest, length), v in sorted(by.items()):
            bb = v.get("byteBufferPut")
            ag = v.get("agronaGetBytes")
            if bb and ag:
                print(f"| {dest} | {length} | {fmt(bb[0])} ± {fmt(bb[1])} | {fmt(ag[0])} ± {fmt(ag[1])} | {ag[0] / bb[0]:.2f} |")
        print()


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--median":
        MEDIAN = True
        args = args[1:]
    if not args:
        sys.exit(__doc__)
    main(args)
