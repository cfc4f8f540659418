#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Run `portcullis model scan` over the labelled model corpus and report detection per class.

usage: model_eval.py PORTCULLIS_BIN EVAL_MODELS_DIR [--markdown] [--check]

A malicious (or must-be-rejected) file counts as caught when its outcome is `malicious` or
`unscannable`; a benign file counts as a false positive only when its outcome is `malicious`
(`suspicious` and `unscannable` are reported in their own columns). With --check the exit
status is 1 unless every malicious file is caught and no benign file is malicious.
Files are only read by the scanner; nothing is ever unpickled here."""
import collections
import json
import os
import subprocess
import sys


def scan(binary, path):
    p = subprocess.run([binary, "model", "scan", "--format", "json", path],
                       capture_output=True, text=True, timeout=120)
    if p.returncode not in (0, 1, 3):
        return "error(%d)" % p.returncode, [], p.stderr.strip()
    doc = json.loads(p.stdout)
    f = doc["files"][0]
    return f["outcome"], f["findings"], ""


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    markdown = "--markdown" in sys.argv
    check = "--check" in sys.argv
    binary, root = args[0], args[1]
    rows = []
    for corpus in ("picklescan", "modelscan", "generated"):
        labels = os.path.join(root, corpus, "labels.jsonl")
        if not os.path.exists(labels):
            continue
        for line in open(labels):
            lab = json.loads(line)
            if lab.get("kind") == "onnx-data":
                continue  # external weights blob, scanned through its model
            path = os.path.join(root, corpus, lab["file"])
            outcome, findings, err = scan(binary, path)
            cls = lab.get("kind") or corpus
            rows.append((corpus, cls, lab["file"], lab["expect"], outcome, findings, err))
    per = collections.OrderedDict()
    bad = []
    for corpus, cls, name, expect, outcome, findings, err in rows:
        key = (corpus, cls if corpus == "generated" else ("pickle/zip/npy" if True else cls))
        d = per.setdefault(key, collections.Counter())
        if expect == "malicious":
            d["malicious"] += 1
            if outcome in ("malicious", "unscannable"):
                d["caught"] += 1
                if outcome == "unscannable":
                    d["caught_unscannable"] += 1
            else:
                bad.append((corpus, name, expect, outcome))
        else:
            d["benign"] += 1
            if outcome == "malicious":
                d["fp"] += 1
                bad.append((corpus, name, expect, outcome))
            elif outcome == "suspicious":
                d["benign_suspicious"] += 1
            elif outcome == "unscannable":
                d["benign_unscannable"] += 1
    tot = collections.Counter()
    for d in per.values():
        tot.update(d)
    if markdown:
        print("| corpus | class | malicious | caught | (as unscannable) | benign | flagged malicious | suspicious | unscannable |")
        print("|---|---|---|---|---|---|---|---|---|")
        for (corpus, cls), d in list(per.items()) + [(("**total**", ""), tot)]:
            print("| %s | %s | %d | %d | %d | %d | %d | %d | %d |" % (
                corpus, cls, d["malicious"], d["caught"], d["caught_unscannable"], d["benign"],
                d["fp"], d["benign_suspicious"], d["benign_unscannable"]))
    else:
        for corpus, cls, name, expect, outcome, findings, err in rows:
            top = ", ".join(sorted({f["rule"] + (":" + f["global"] if f["global"] else "") for f in findings}))[:150]
            print("%-10s %-55s %-9s %-11s %s %s" % (corpus, name, expect, outcome, top, err))
    print("\nmalicious %d, caught %d (%.1f%%); benign %d, flagged malicious %d" % (
        tot["malicious"], tot["caught"], 100.0 * tot["caught"] / max(1, tot["malicious"]),
        tot["benign"], tot["fp"]))
    for b in bad:
        print("MISS/FP:", *b)
    return 1 if check and bad else 0


if __name__ == "__main__":
    sys.exit(main())
