#!/usr/bin/env python3
"""Cross-checks `bin/vhd` against qemu-img on random images that qemu-img and qemu-io make.

For each image (subformat dynamic or fixed, force_size on or off, sizes from 512 bytes to
2040 GiB, random qemu-io writes of one sector to several blocks, across block boundaries, at the
first and last sector) it checks that:
  * `vhd info --json` reports the virtual size `qemu-img info` reports;
  * `vhd convert -O raw` output equals `qemu-img convert -O raw` output (compared with
    `qemu-img compare`, which skips holes, so terabyte-sized sparse images stay cheap);
  * the data runs of `vhd map --json` equal the data runs of `qemu-img map --output=json`
    (adjacent runs contiguous in both guest and file offsets merged on both sides).

Debian's qemu-img 7.2 sizes images by CHS unless the creator is in its current-size list; every
image made here has creator "qemu" (CHS) or "qem2" (current size), on which QEMU 7.2 and QEMU 10
agree, so no force_size_calc option is needed. Fixed images are compared for data runs only as a
whole: qemu-img splits them by host-file holes, which Java cannot see.

Usage: scripts/qemu-crosscheck.py [--count N] [--seed S] [--vhd PATH] [--keep DIR]
Needs: qemu-img and qemu-io (Debian package qemu-utils). Exit status 0 when every check passes.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

GIB = 1 << 30
MIB = 1 << 20
MAX_DYNAMIC = 0xFF000000 * 512


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def data_runs(entries):
    """Returns merged (start, length, offset) of data runs from map JSON entries."""
    runs = []
    for e in entries:
        if not e.get("data"):
            continue
        start, length, off = e["start"], e["length"], e.get("offset")
        if runs and runs[-1][0] + runs[-1][1] == start and off is not None \
                and runs[-1][2] is not None and runs[-1][2] + runs[-1][1] == off:
            runs[-1] = (runs[-1][0], runs[-1][1] + length, runs[-1][2])
        else:
            runs.append((start, length, off))
    return runs


def pick_size(rng, fixed):
    kind = rng.random()
    if kind < 0.15:
        return rng.choice([512, 1024, 4096, 65536, 1 * MIB, 2 * MIB, 3 * MIB + 512])
    if kind < 0.6:
        return rng.randrange(1, 64 * MIB // 512) * 512
    if kind < 0.8 or fixed:
        return rng.randrange(64 * MIB // 512, 3 * GIB // 512) * 512
    return rng.choice([127 * GIB, 136899993600, 500 * GIB, 1024 * GIB, MAX_DYNAMIC,
                       rng.randrange(4 * GIB // 512, MAX_DYNAMIC // 512) * 512])


def qemu_writes(rng, img, size, fmt="vpc"):
    cmds = []
    for _ in range(rng.randrange(0, 8)):
        kind = rng.random()
        if kind < 0.2:
            off, n = 0, 512
        elif kind < 0.4:
            off, n = max(0, (size // 512 - 1) * 512), 512
        elif kind < 0.6:
            boundary = rng.randrange(1, max(2, size // (2 * MIB) + 1)) * 2 * MIB
            n = rng.choice([512, 4096, 65536, 3 * MIB])
            off = max(0, boundary - n // 2) // 512 * 512
        else:
            n = rng.choice([512, 1024, 4096, 65536, 1 * MIB, 5 * MIB])
            off = rng.randrange(0, max(1, size // 512)) * 512
        n = min(n, size - off) // 512 * 512
        if n <= 0:
            continue
        cmds += ["-c", "write -P 0x%02x %d %d" % (rng.randrange(1, 256), off, n)]
    if cmds:
        run(["qemu-io", "-f", fmt] + cmds + [img])
    return len(cmds) // 2


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=60)
    ap.add_argument("--seed", type=int, default=20261121)
    ap.add_argument("--vhd", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bin", "vhd"))
    ap.add_argument("--keep", help="keep the images in this directory")
    args = ap.parse_args()
    for tool in ("qemu-img", "qemu-io"):
        if shutil.which(tool) is None:
            sys.exit("qemu-crosscheck: %s not found (apt-get install qemu-utils)" % tool)
    rng = random.Random(args.seed)
    work = args.keep or tempfile.mkdtemp(prefix="vhd-crosscheck-")
    os.makedirs(work, exist_ok=True)
    failures = 0
    print("seed %d, %d images, in %s" % (args.seed, args.count, work))
    for i in range(args.count):
        fixed = rng.random() < 0.3
        force = rng.random() < 0.4
        size = pick_size(rng, fixed)
        img = os.path.join(work, "img%03d.vhd" % i)
        opts = "subformat=%s%s" % ("fixed" if fixed else "dynamic", ",force_size=on" if force else "")
        try:
            run(["qemu-img", "create", "-q", "-f", "vpc", "-o", opts, img, str(size)])
        except subprocess.CalledProcessError as e:
            print("  img%03d: qemu-img refused %s size %d: %s" % (i, opts, size, e.stderr.strip()))
            continue
        info = json.loads(run(["qemu-img", "info", "--output=json", "-f", "vpc", img]))
        vsize = info["virtual-size"]
        writes = qemu_writes(rng, img, vsize)
        problems = []
        ours = json.loads(run([args.vhd, "info", "--json", img]))
        if ours["virtual-size"] != vsize:
            problems.append("virtual-size %d, qemu-img %d" % (ours["virtual-size"], vsize))
        qraw, vraw = img + ".qemu.raw", img + ".vhd.raw"
        run(["qemu-img", "convert", "-f", "vpc", "-O", "raw", img, qraw])
        run([args.vhd, "convert", "-O", "raw", img, vraw])
        if os.path.getsize(qraw) != os.path.getsize(vraw):
            problems.append("raw size %d, qemu-img %d" % (os.path.getsize(vraw), os.path.getsize(qraw)))
        else:
            cmp = subprocess.run(["qemu-img", "compare", "-q", "-f", "raw", "-F", "raw", qraw, vraw])
            if cmp.returncode != 0:
                problems.append("raw content differs (qemu-img compare exit %d)" % cmp.returncode)
        qmap = data_runs(json.loads(run(["qemu-img", "map", "--output=json", "-f", "vpc", img])))
        vmap = data_runs(json.loads(run([args.vhd, "map", "--json", img])))
        if fixed:
            # qemu-img splits fixed images by host holes; compare the covered range only.
            qmap = [(0, sum(r[1] for r in qmap), 0)] if qmap else []
            vmap = [(0, sum(r[1] for r in vmap), 0)] if vmap else []
        if qmap != vmap:
            problems.append("map data runs differ: ours %s..., qemu-img %s..." % (vmap[:3], qmap[:3]))
        os.remove(qraw)
        os.remove(vraw)
        status = "ok" if not problems else "FAIL: " + "; ".join(problems)
        print("  img%03d %-28s size %-15d writes %d: %s" % (i, opts, vsize, writes, status))
        failures += bool(problems)
        if not args.keep:
            os.remove(img)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print("%d of %d images disagree" % (failures, args.count))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
