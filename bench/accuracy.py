#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Accuracy of `portcullis scan` on the shared eval data; prints a markdown report.

Sections (each skipped with a message when its data is absent):
  (a) span precision/recall/F1 per structured entity type on presidio-research;
  (b) false positives and document-level detection on the DLP public benchmark;
  (c) recall on gitleaks rule `match` cases and flags on `no_match` cases.

Every record is written to its own file in a temporary directory and the directory is
scanned once with `portcullis scan --format jsonl --no-progress`, so findings map back to
records by file name and no context leaks between records. Python 3 standard library only.
"""

import argparse
import collections
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Gold entity type -> predicted types that count for it. Only structured types a regex
# engine is expected to find; DOMAIN_NAME is in scope only when the engine emits URL/DOMAIN_NAME.
SCOPE = {
    "CREDIT_CARD": {"CREDIT_CARD"},
    "EMAIL_ADDRESS": {"EMAIL_ADDRESS"},
    "IBAN_CODE": {"IBAN_CODE"},
    "IP_ADDRESS": {"IP_ADDRESS"},
    "PHONE_NUMBER": {"PHONE_NUMBER"},
    "US_SSN": {"US_SSN"},
    "US_DRIVER_LICENSE": {"US_DRIVER_LICENSE"},
    "DOMAIN_NAME": {"DOMAIN_NAME", "URL"},
}
OPTIONAL_SCOPE = {"DOMAIN_NAME"}
CHECKSUM_TYPES = ("CREDIT_CARD", "IBAN_CODE")


# ---- helpers ---------------------------------------------------------------------------------

def die(msg):
    print(f"accuracy.py: {msg}", file=sys.stderr)
    sys.exit(2)


def read_jsonl(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                out.append(json.loads(line))
            except ValueError as e:
                die(f"{path}: line {n}: {e}")
    return out


def pct(num, den):
    return "n/a" if den == 0 else f"{100.0 * num / den:.1f}%"


def ratio(num, den):
    return None if den == 0 else num / den


def fmt(x):
    return "n/a" if x is None else f"{x:.3f}"


def f1(p, r):
    if p is None or r is None or p + r == 0:
        return None
    return 2 * p * r / (p + r)


def overlaps(a0, a1, b0, b1):
    return a0 < b1 and b0 < a1


def luhn_ok(value):
    digits = re.sub(r"[ \-]", "", value)
    if not digits.isdigit() or not 12 <= len(digits) <= 19:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        v = int(ch)
        if i % 2 == 1:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return total % 10 == 0


def iban_ok(value):
    s = re.sub(r"\s", "", value).upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", s):
        return False
    r = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in r)) % 97 == 1


CHECKSUM_OK = {"CREDIT_CARD": luhn_ok, "IBAN_CODE": iban_ok}


def odd_shape(gtype, value):
    """Labels for checksum-valid values a strict detector may still reject."""
    if gtype == "CREDIT_CARD":
        n = len(re.sub(r"\D", "", value))
        if n not in (15, 16):
            return [f"{n}-digit cards"]
    if gtype == "IBAN_CODE" and value != value.upper():
        return ["lower-case IBANs"]
    return []


class Scanner:
    """Runs the portcullis binary over a directory of record files."""

    def __init__(self, binary, extra_args):
        self.binary = binary
        self.extra = list(extra_args)
        self.version = "unknown"
        try:
            p = subprocess.run([binary, "--version"], capture_output=True, text=True,
                               timeout=30, check=False)
            if p.returncode == 0 and p.stdout.strip():
                self.version = p.stdout.strip().splitlines()[0]
        except OSError as e:
            die(f"cannot run {binary}: {e}")
        self.emitted_types = self._detector_types()

    def _detector_types(self):
        """Entity types of the built-in detectors, read from `portcullis detectors`."""
        try:
            p = subprocess.run([self.binary, "detectors"], capture_output=True, text=True,
                               timeout=30, check=False)
        except OSError:
            return None
        if p.returncode != 0:
            return None
        # table rows: NAME TYPE CATEGORIES ...; keep the TYPE column
        types = set()
        for line in p.stdout.splitlines():
            cols = line.split()
            if len(cols) >= 2 and re.fullmatch(r"[A-Z][A-Z0-9_]+", cols[1]):
                types.add(cols[1])
        return types or None

    def scan_texts(self, texts):
        """Scan each text as its own file; returns (findings per index, stderr)."""
        with tempfile.TemporaryDirectory(prefix="pcl-acc-") as tmp:
            names = {}
            for i, t in enumerate(texts):
                name = f"rec-{i:06d}.txt"
                names[name] = i
                with open(os.path.join(tmp, name), "wb") as f:
                    f.write(t.encode("utf-8"))
            cmd = [self.binary, "scan", "--format", "jsonl", "--no-progress"] + self.extra + [tmp]
            p = subprocess.run(cmd, capture_output=True, timeout=3600, check=False)
            if p.returncode not in (0, 1):
                die(f"{' '.join(cmd)} exited {p.returncode}:\n"
                    f"{p.stderr.decode('utf-8', 'replace')[:2000]}")
            found = collections.defaultdict(list)
            for line in p.stdout.decode("utf-8", "replace").splitlines():
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except ValueError:
                    die(f"unparsable scan output line: {line[:200]}")
                idx = names.get(os.path.basename(str(rec.get("file", ""))))
                if idx is None:
                    continue
                found[idx].append(rec)
            return found, p.stderr.decode("utf-8", "replace")


def cp_to_byte_offsets(text):
    """Table mapping each code-point index (0..len) to its UTF-8 byte offset."""
    table = [0] * (len(text) + 1)
    b = 0
    for i, ch in enumerate(text):
        table[i] = b
        b += len(ch.encode("utf-8"))
    table[len(text)] = b
    return table


# ---- (a) presidio-research -------------------------------------------------------------------

def section_presidio(scanner, eval_dir, out):
    out.append("## (a) Span accuracy: presidio-research synthetic sentences\n")
    files = sorted(glob.glob(os.path.join(eval_dir, "pii", "presidio-research", "*.jsonl")))
    if not files:
        out.append(f"_Skipped: no `pii/presidio-research/*.jsonl` under `{eval_dir}`._\n")
        return
    scope = dict(SCOPE)
    if scanner.emitted_types is not None:
        for t in OPTIONAL_SCOPE:
            if not scope[t] & scanner.emitted_types:
                del scope[t]
    out.append("Method: each record is scanned as its own file; gold spans (Unicode code-point "
               "offsets) are converted to UTF-8 byte offsets. A gold span counts as found when a "
               "finding of a matching type overlaps it; a finding counts as a true positive when "
               "it overlaps a gold span of its type. *Exact* = a matching finding has the same "
               "byte boundaries.\n")

    total = {"gold": collections.Counter(), "hit": collections.Counter(),
             "exact": collections.Counter(), "pred": collections.Counter(),
             "tp_pred": collections.Counter()}
    ck = {t: {"gold": 0, "excluded": 0, "hit": 0, "pred": 0, "tp_pred": 0, "ign_pred": 0}
          for t in CHECKSUM_TYPES}
    out_of_scope_gold = collections.Counter()
    other_pred = collections.Counter()
    cross = collections.Counter()  # (gold type, predicted type) for wrong-type overlaps
    odd = collections.Counter()  # checksum-valid gold values of unusual shape
    missed = collections.defaultdict(list)  # type -> missed gold values
    spurious = collections.defaultdict(list)  # type -> findings overlapping no gold of type
    per_file_rows = []

    for path in files:
        recs = read_jsonl(path)
        texts = [r["text"] for r in recs]
        found, _ = scanner.scan_texts(texts)
        fs = {"gold": collections.Counter(), "hit": collections.Counter(),
              "pred": collections.Counter(), "tp_pred": collections.Counter()}
        for i, r in enumerate(recs):
            tab = cp_to_byte_offsets(r["text"])
            gold = []
            for s in r.get("spans", []):
                g0, g1 = tab[s["start"]], tab[s["end"]]
                gold.append((s["type"], g0, g1, r["text"][s["start"]:s["end"]]))
            preds = [(str(f.get("type")), int(f["start"]), int(f["end"])) for f in found.get(i, [])]
            for gt, g0, g1, gval in gold:
                if gt not in scope:
                    out_of_scope_gold[gt] += 1
                    continue
                want = scope[gt]
                hits = [p for p in preds if p[0] in want and overlaps(p[1], p[2], g0, g1)]
                total["gold"][gt] += 1
                fs["gold"][gt] += 1
                if hits:
                    total["hit"][gt] += 1
                    fs["hit"][gt] += 1
                    if any(p[1] == g0 and p[2] == g1 for p in hits):
                        total["exact"][gt] += 1
                else:
                    missed[gt].append(gval)
                    for p in preds:
                        if overlaps(p[1], p[2], g0, g1):
                            cross[(gt, p[0])] += 1
                if gt in CHECKSUM_OK:
                    c = ck[gt]
                    if CHECKSUM_OK[gt](gval):
                        c["gold"] += 1
                        odd.update(odd_shape(gt, gval))
                        c["hit"] += 1 if hits else 0
                    else:
                        c["excluded"] += 1
            for pt, p0, p1 in preds:
                gts = [gt for gt, want in scope.items() if pt in want]
                if not gts:
                    other_pred[pt] += 1
                    continue
                gt = gts[0]
                total["pred"][gt] += 1
                fs["pred"][gt] += 1
                same = [g for g in gold if g[0] == gt and overlaps(p0, p1, g[1], g[2])]
                if same:
                    total["tp_pred"][gt] += 1
                    fs["tp_pred"][gt] += 1
                else:
                    raw = r["text"].encode("utf-8")
                    spurious[gt].append(raw[p0:p1].decode("utf-8", "replace"))
                if gt in CHECKSUM_OK:
                    c = ck[gt]
                    if same and not any(CHECKSUM_OK[gt](g[3]) for g in same):
                        c["ign_pred"] += 1  # only overlaps checksum-invalid gold: not counted
                    else:
                        c["pred"] += 1
                        c["tp_pred"] += 1 if same else 0
        g = sum(fs["gold"].values())
        h = sum(fs["hit"].values())
        pr = sum(fs["pred"].values())
        tp = sum(fs["tp_pred"].values())
        p_, r_ = ratio(tp, pr), ratio(h, g)
        per_file_rows.append(f"| `{os.path.basename(path)}` | {len(recs)} | {g} | {pr} | "
                             f"{fmt(p_)} | {fmt(r_)} | {fmt(f1(p_, r_))} |")

    out.append("| type | gold spans | found | findings | TP findings | precision | recall | "
               "F1 | exact boundary |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    sums = collections.Counter()
    for t in scope:
        g, h, e = total["gold"][t], total["hit"][t], total["exact"][t]
        pr, tp = total["pred"][t], total["tp_pred"][t]
        p_, r_ = ratio(tp, pr), ratio(h, g)
        out.append(f"| {t} | {g} | {h} | {pr} | {tp} | {fmt(p_)} | {fmt(r_)} | "
                   f"{fmt(f1(p_, r_))} | {pct(e, h)} |")
        sums.update({"g": g, "h": h, "e": e, "pr": pr, "tp": tp})
    p_, r_ = ratio(sums["tp"], sums["pr"]), ratio(sums["h"], sums["g"])
    out.append(f"| **all in scope (micro)** | {sums['g']} | {sums['h']} | {sums['pr']} | "
               f"{sums['tp']} | {fmt(p_)} | {fmt(r_)} | {fmt(f1(p_, r_))} | "
               f"{pct(sums['e'], sums['h'])} |")
    out.append("")
    out.append("Per file (in-scope types, micro-averaged):\n")
    out.append("| file | records | gold spans | findings | precision | recall | F1 |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    out.extend(per_file_rows)
    out.append("")

    out.append("### Checksum-validated types\n")
    excluded = ", ".join(f"{t} {ck[t]['excluded']}" for t in CHECKSUM_TYPES)
    out.append("A validating detector rejects card numbers that fail Luhn and IBANs that fail "
               "the ISO 13616 mod-97 check by design, and the dataset's values are synthetic "
               "(Faker), so here only gold values whose checksum is valid count; findings that "
               "overlap only checksum-invalid gold values are ignored (neither TP nor FP). "
               f"Excluded: {excluded}"
               " gold values with an invalid checksum. Unusual but checksum-valid shapes that "
               "stay in: " + ", ".join(f"{k} {n}" for k, n in odd.most_common()) + ".\n")
    out.append("| type | gold (valid) | excluded (invalid checksum) | found | findings counted | "
               "findings ignored | precision | recall | F1 |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in CHECKSUM_TYPES:
        if t not in scope:
            continue
        c = ck[t]
        p_, r_ = ratio(c["tp_pred"], c["pred"]), ratio(c["hit"], c["gold"])
        out.append(f"| {t} | {c['gold']} | {c['excluded']} | {c['hit']} | {c['pred']} | "
                   f"{c['ign_pred']} | {fmt(p_)} | {fmt(r_)} | {fmt(f1(p_, r_))} |")
    out.append("")

    if missed or spurious:
        out.append("Examples (up to 6 per type) of missed gold values and of findings that "
                   "overlap no gold span of their type:\n")
        for t in scope:
            if missed.get(t):
                out.append(f"- {t} missed ({len(missed[t])}): " +
                           ", ".join(f"`{v}`" for v in missed[t][:6]))
            if spurious.get(t):
                out.append(f"- {t} unmatched findings ({len(spurious[t])}): " +
                           ", ".join(f"`{v}`" for v in spurious[t][:6]))
        out.append("")
    if cross:
        out.append("Missed gold spans that a finding of another type overlapped "
                   "(gold type <- finding type: count): " +
                   ", ".join(f"{g} <- {p}: {n}" for (g, p), n in cross.most_common(12)) + "\n")
    if other_pred:
        out.append("Findings of types outside the scored set (not scored): " +
                   ", ".join(f"{t} {n}" for t, n in other_pred.most_common()) + "\n")
    nis = [t for t in SCOPE if t not in scope]
    out.append("Not in scope (NER or free-form types a pattern engine is not expected to find): " +
               ", ".join(f"{t} {n}" for t, n in out_of_scope_gold.most_common()) + "." +
               (f" ({', '.join(nis)}: no built-in detector emits "
                f"{' or '.join(sorted(set().union(*(SCOPE[t] for t in nis))))}.)" if nis else "") +
               "\n")


# ---- (b) DLP public benchmark ----------------------------------------------------------------

def section_dlp(scanner, eval_dir, out):
    out.append("## (b) False positives: DLP public benchmark\n")
    path = os.path.join(eval_dir, "pii", "dlp-public-benchmark",
                        "general_sensitive_data_benchmark.jsonl")
    if not os.path.exists(path):
        out.append(f"_Skipped: `{path}` not found._\n")
        return
    recs = read_jsonl(path)
    found, _ = scanner.scan_texts([r["text"] for r in recs])
    out.append("Labels are document-level only (`doc_label` positive/negative, `subtype`, "
               "`category`, `point`); there are no spans. A record is *flagged* when the scan "
               "reports at least one finding in it.\n")

    groups = collections.defaultdict(lambda: {"n": 0, "flag": 0, "findings": 0, "bytes": 0})
    neg_types = collections.Counter()
    for i, r in enumerate(recs):
        key = (r.get("doc_label", "?"), r.get("subtype", "?"))
        g = groups[key]
        fs = found.get(i, [])
        g["n"] += 1
        g["flag"] += 1 if fs else 0
        g["findings"] += len(fs)
        g["bytes"] += len(r["text"].encode("utf-8"))
        if r.get("doc_label") == "negative":
            for f in fs:
                neg_types[str(f.get("type"))] += 1

    out.append("| label | subtype | records | flagged | flagged % | findings | findings per MB |")
    out.append("|---|---|---:|---:|---:|---:|---:|")
    for (lab, sub) in sorted(groups):
        g = groups[(lab, sub)]
        per_mb = g["findings"] / (g["bytes"] / 1e6) if g["bytes"] else 0.0
        out.append(f"| {lab} | {sub} | {g['n']} | {g['flag']} | {pct(g['flag'], g['n'])} | "
                   f"{g['findings']} | {per_mb:.0f} |")
    out.append("")

    neg = [k for k in groups if k[0] == "negative"]
    nn = sum(groups[k]["n"] for k in neg)
    nf = sum(groups[k]["flag"] for k in neg)
    nfind = sum(groups[k]["findings"] for k in neg)
    nbytes = sum(groups[k]["bytes"] for k in neg)
    out.append(f"Negatives overall: {nf}/{nn} records flagged ({pct(nf, nn)}), {nfind} findings "
               f"= {nfind / nn if nn else 0:.3f} per record, "
               f"{nfind / (nbytes / 1e6) if nbytes else 0:.0f} per MB of negative text.")
    if neg_types:
        out.append("Finding types on negative records: " +
                   ", ".join(f"{t} {n}" for t, n in neg_types.most_common()) + ".")
    pos_direct = groups.get(("positive", "Direct"), {"n": 0, "flag": 0})
    tp, fn = pos_direct["flag"], pos_direct["n"] - pos_direct["flag"]
    p_ = ratio(tp, tp + nf)
    r_ = ratio(tp, tp + fn)
    out.append(f"Document-level, Positive/Direct vs all negatives: precision {fmt(p_)}, "
               f"recall {fmt(r_)}, F1 {fmt(f1(p_, r_))}.\n")

    # per category: detection by subtype, and which data kinds (`point`) fired
    subs = sorted({k[1] for k in groups if k[0] == "positive"}) + ["negative"]
    per_cat = collections.OrderedDict()
    for i, r in enumerate(recs):
        cat = r.get("category", "?")
        col = r.get("subtype", "?") if r.get("doc_label") == "positive" else "negative"
        e = per_cat.setdefault(cat, {"cols": collections.Counter(), "n": collections.Counter(),
                                     "points": collections.Counter()})
        fs = found.get(i, [])
        e["n"][col] += 1
        if fs:
            e["cols"][col] += 1
            if col == "Direct":
                e["points"][r.get("point", "?").split(":")[0][:40]] += 1
    out.append("Flagged records per category (positives by subtype, then negatives), and the "
               "data kinds (`point`) flagged among Positive/Direct records:\n")
    out.append("| category | " + " | ".join(f"{c}" for c in subs) + " | Direct kinds flagged |")
    out.append("|---|" + "---:|" * len(subs) + "---|")
    for cat, e in per_cat.items():
        cells = " | ".join(f"{e['cols'][c]}/{e['n'][c]}" for c in subs)
        kinds = ", ".join(f"{k} {n}" for k, n in e["points"].most_common()) or "-"
        out.append(f"| {cat} | {cells} | {kinds} |")
    out.append("")

    examples = []
    for i, r in enumerate(recs):
        if r.get("doc_label") != "negative":
            continue
        raw = r["text"].encode("utf-8")
        for f in found.get(i, []):
            val = raw[int(f["start"]):int(f["end"])].decode("utf-8", "replace")
            examples.append(f"- id {r.get('id')} ({r.get('subtype')}): {f.get('type')} "
                            f"`{val[:60]}` in \"{r['text'][:110]}\"")
    if examples:
        out.append(f"Findings on negative records (first {min(len(examples), 15)} of "
                   f"{len(examples)}):\n")
        out.extend(examples[:15])
        out.append("")


# ---- (c) gitleaks rule cases -----------------------------------------------------------------

def is_credential(f):
    cat = str(f.get("category", "")).lower()
    return "credential" in cat


def section_gitleaks(scanner, eval_dir, out):
    out.append("## (c) Secrets: gitleaks rule cases\n")
    path = os.path.join(eval_dir, "secrets", "gitleaks", "rule_cases.jsonl")
    if not os.path.exists(path):
        out.append(f"_Skipped: `{path}` not found._\n")
        return
    recs = read_jsonl(path)
    found, _ = scanner.scan_texts([r["text"] for r in recs])
    out.append("Each case is a short string extracted from gitleaks' rule tests; the dataset does "
               "not mark where the secret sits, so a `match` case counts as detected when any "
               "finding in the `credential` category is reported in it (rule ids map to our "
               "types only loosely). *Any finding* also counts PII findings.\n")
    by_rule = collections.OrderedDict()
    for i, r in enumerate(recs):
        e = by_rule.setdefault(r["rule_id"], {"m": 0, "m_cred": 0, "m_any": 0, "nm": 0,
                                              "nm_cred": 0, "types": collections.Counter()})
        fs = found.get(i, [])
        cred = [f for f in fs if is_credential(f)]
        if r["expect"] == "match":
            e["m"] += 1
            e["m_cred"] += 1 if cred else 0
            e["m_any"] += 1 if fs else 0
            for f in cred:
                e["types"][str(f.get("type"))] += 1
        else:
            e["nm"] += 1
            e["nm_cred"] += 1 if cred else 0
    m = sum(e["m"] for e in by_rule.values())
    mc = sum(e["m_cred"] for e in by_rule.values())
    ma = sum(e["m_any"] for e in by_rule.values())
    nm = sum(e["nm"] for e in by_rule.values())
    nmc = sum(e["nm_cred"] for e in by_rule.values())
    rules_m = [k for k, e in by_rule.items() if e["m"] > 0]
    rules_hit = [k for k in rules_m if by_rule[k]["m_cred"] > 0]
    out.append(f"`match` cases: {mc}/{m} detected as credential ({pct(mc, m)}); any finding "
               f"{ma}/{m} ({pct(ma, m)}); rules with at least one detected case: "
               f"{len(rules_hit)}/{len(rules_m)}.")
    out.append(f"`no_match` cases flagged with a credential finding: {nmc}/{nm} ({pct(nmc, nm)}). "
               "A `no_match` case only says gitleaks' *own* rule must not fire; many are "
               "redacted or truncated tokens, some are still secrets of another shape.\n")
    out.append("| rule | match cases | detected | our types | no_match cases | flagged |")
    out.append("|---|---:|---:|---|---:|---:|")
    quiet = []
    for k, e in sorted(by_rule.items(), key=lambda kv: (-kv[1]["m"], kv[0])):
        if e["m"] == 0 and e["nm_cred"] == 0:
            quiet.append(k)
            continue
        types = ", ".join(f"{t} {n}" for t, n in e["types"].most_common(3)) or "-"
        out.append(f"| {k} | {e['m']} | {e['m_cred']} | {types} | {e['nm']} | {e['nm_cred']} |")
    out.append("")
    if quiet:
        out.append(f"{len(quiet)} rules have only `no_match` cases and none was flagged: "
                   f"{', '.join(quiet)}.\n")
    flagged = []
    for i, r in enumerate(recs):
        if r["expect"] != "no_match":
            continue
        raw = r["text"].encode("utf-8")
        for f in found.get(i, []):
            if is_credential(f):
                val = raw[int(f["start"]):int(f["end"])].decode("utf-8", "replace")
                flagged.append(f"- {r['rule_id']}: {f.get('type')} `{val[:50]}`")
    if flagged:
        out.append(f"Credential findings on `no_match` cases (first {min(len(flagged), 12)} of "
                   f"{len(flagged)}):\n")
        out.extend(flagged[:12])
        out.append("")

    ds_dir = os.path.join(eval_dir, "secrets", "detect-secrets")
    ds_files = sorted(glob.glob(os.path.join(ds_dir, "*")))
    if ds_files:
        texts = []
        for p in ds_files:
            with open(p, encoding="utf-8", errors="replace") as f:
                texts.append(f.read())
        dfound, _ = scanner.scan_texts(texts)
        out.append("detect-secrets fixtures (no labels; for eyeballing): " + "; ".join(
            f"`{os.path.basename(p)}` " + (", ".join(
                f"{t} {n}" for t, n in collections.Counter(
                    str(f.get('type')) for f in dfound.get(i, [])).most_common()) or "none")
            for i, p in enumerate(ds_files)) + ".\n")


# ---- main ------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.path.join(REPO, "build", "release", "portcullis"),
                    help="portcullis binary (default: build/release/portcullis)")
    ap.add_argument("--eval", default=os.path.normpath(os.path.join(REPO, "..", "shared",
                                                                    "eval")),
                    help="eval data directory (default: ../shared/eval from the repo root)")
    ap.add_argument("--scan-arg", action="append", default=[],
                    help="extra argument for `portcullis scan` (repeatable), e.g. "
                         "--scan-arg=--min-score=0.3")
    ap.add_argument("--section", choices=["presidio", "dlp", "gitleaks"], action="append",
                    help="run only these sections (repeatable)")
    args = ap.parse_args()

    if not os.access(args.bin, os.X_OK):
        die(f"{args.bin}: not an executable; build it (make release) or pass --bin")
    scanner = Scanner(args.bin, args.scan_arg)
    out = ["# Portcullis detection accuracy\n",
           f"- binary: `{args.bin}` ({scanner.version})",
           f"- scan: `portcullis scan --format jsonl --no-progress"
           f"{''.join(' ' + a for a in args.scan_arg)}` (default detectors and threshold)",
           f"- eval data: `{args.eval}`\n"]
    if not os.path.isdir(args.eval):
        out.append(f"_Eval data directory `{args.eval}` not found: every section skipped._\n")
        print("\n".join(out))
        return 0
    sections = args.section or ["presidio", "dlp", "gitleaks"]
    if "presidio" in sections:
        section_presidio(scanner, args.eval, out)
    if "dlp" in sections:
        section_dlp(scanner, args.eval, out)
    if "gitleaks" in sections:
        section_gitleaks(scanner, args.eval, out)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
