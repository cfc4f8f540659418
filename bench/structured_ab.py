#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Two builds, interleaved, on structured input: `scan` and `redact` of CSV and JSONL.

usage: bench/structured_ab.py OLD_BIN NEW_BIN [ROUNDS]

Inputs: the corpus' CSV and JSONL records that bench/scan.sh extracts (run it first; SIZE as
there, default 128M), each also scanned as text for scale, and a 40 MB CSV of customer rows
(seven short columns, an e-mail address every 50th row) generated here, deterministically.
Each command runs once per build per round, the builds alternating; the least wall time of
each is printed as a markdown table with the ratio old / new. A random key for `redact`
is written next to the inputs.
"""
import os
import random
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out")


def customers(path):
    if os.path.exists(path):
        return
    rnd = random.Random(1)
    names = ["alice", "bob", "carol", "dave", "eve", "frank"]
    with open(path + ".tmp", "w") as f:
        f.write("id,name,email,phone,amount,created,note\n")
        i = 0
        while f.tell() < 40_000_000:
            i += 1
            n = rnd.choice(names)
            em = f"{n}{i}@example.com" if i % 50 == 0 else f"order-{i}"
            f.write(f"{i},{n.title()} {rnd.choice(names).title()},{em},"
                    f"{rnd.randint(1000, 9999)}-{rnd.randint(10, 99)},"
                    f"{rnd.randint(1, 99999) / 100:.2f},"
                    f"2024-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}T12:"
                    f"{rnd.randint(0, 59):02d}:00Z,shipped v{rnd.randint(1, 9)}.{rnd.randint(0, 20)}\n")
    os.rename(path + ".tmp", path)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    old, new = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    rec = os.path.join(OUT, "corpus-%s.records" % os.environ.get("SIZE", "128M"))
    for ext in ("csv", "jsonl"):
        if not os.path.exists(f"{rec}.{ext}"):
            sys.exit(f"{rec}.{ext} is missing: run bench/scan.sh first")
    cust = os.path.join(OUT, "customers-40M.csv")
    customers(cust)
    key = os.path.join(OUT, "ab.key")
    with open(key, "wb") as f:
        f.write(os.urandom(32))
    scan = "scan -q --no-progress --threads 1 --format jsonl"
    red = f"redact --key-file {key} --operator tag"
    cases = [
        ("scan CSV records", f"{scan} {rec}.csv"),
        ("scan the CSV as text", f"{scan} --input-format text {rec}.csv"),
        ("scan JSONL records", f"{scan} {rec}.jsonl"),
        ("scan the JSONL as text", f"{scan} --input-format text {rec}.jsonl"),
        ("redact CSV records", f"{red} {rec}.csv"),
        ("redact JSONL records", f"{red} {rec}.jsonl"),
        ("scan customer CSV", f"{scan} {cust}"),
        ("redact customer CSV", f"{red} {cust}"),
    ]
    best = {}
    for _ in range(rounds):
        for name, args in cases:
            for tag, binary in (("old", old), ("new", new)):
                t0 = time.perf_counter()
                subprocess.run([binary] + args.split(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, check=False)
                t = time.perf_counter() - t0
                best[(name, tag)] = min(best.get((name, tag), float("inf")), t)
    print("| command, --threads 1 | old, s | new, s | old / new |")
    print("|---|---:|---:|---:|")
    for name, _ in cases:
        o, n = best[(name, "old")], best[(name, "new")]
        print(f"| {name} | {o:.3f} | {n:.3f} | {o / n:.2f}x |")


if __name__ == "__main__":
    main()
