#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end tests of `portcullis scan` with the real binary: formats, exit codes, bad input.
set -uo pipefail

BIN=${PCL_BIN:?PCL_BIN must point at the portcullis binary}
SRC=${PCL_SOURCE_DIR:?}
T=$(mktemp -d)
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
fails=0
pass=0

check() { # name, condition command...
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fails=$((fails + 1)); fi
}

py() { /usr/bin/python3 -c "$@"; }

# --- text file: offsets, lines, columns, masked preview
printf 'first line\nname: Zoë <zoe.adams@example.com>\ncard 4111 1111 1111 1111 here\n' > "$T/a.txt"
"$BIN" scan --format jsonl --no-progress -q "$T/a.txt" > "$T/a.jsonl"; rc=$?
check "exit 1 on findings" test "$rc" -eq 1
check "jsonl fields" py "
import json,sys
rows=[json.loads(l) for l in open('$T/a.jsonl')]
data=open('$T/a.txt','rb').read()
by={r['type']:r for r in rows}
e=by['EMAIL_ADDRESS']; c=by['CREDIT_CARD']
assert data[e['start']:e['end']]==b'zoe.adams@example.com', e
assert e['line']==2 and e['column']==12, e   # 'Zoë' is 3 code points, 4 bytes
assert c['line']==3 and c['column']==6, c
assert c['category']=='financial' and e['category']=='contact'
assert 'zoe.adams' not in e['preview'] and '*' in e['preview']
for k in ('file','start','end','line','column','type','category','score','detector','preview'):
    assert k in e, k
"
# JSON Lines are written from pre-rendered parts; the JSON report writes every finding with
# the JSON writer: the same findings, keys in the same order, the same values (a CSV column
# name with a quote, a backslash and a non-ASCII letter; a row; several scores)
mkdir -p "$T/lines"
printf 'x,"na\\"me\\\\é"\n1,ann@example.com\n2,"bob@example.com, 4111 1111 1111 1111"\n' > "$T/lines/q.csv"
cp "$T/a.txt" "$T/lines/"
"$BIN" scan --format jsonl -q "$T/lines" > "$T/lines.jsonl"
"$BIN" scan --format json -q "$T/lines" > "$T/lines.json"
check "jsonl lines = json report findings" py "
import json
lines=[json.loads(l) for l in open('$T/lines.jsonl')]
doc=json.load(open('$T/lines.json'))
want=[]
for f in doc['files']:
    for h in f['findings']:
        want.append(list({'file': f['file'], **h}.items()))
got=[list(r.items()) for r in lines]
assert len(got) >= 4 and any(dict(g).get('row') for g in got), got
assert got == want, (got, want)
"
"$BIN" scan --format jsonl --show-values -q "$T/a.txt" > "$T/values.jsonl"
check "--show-values prints values" grep -q '"preview":"zoe.adams@example.com"' "$T/values.jsonl"

# --- stdin and gzip give the same findings
"$BIN" scan --format jsonl -q - < "$T/a.txt" > "$T/stdin.jsonl"
gzip -c "$T/a.txt" > "$T/a.txt.gz"
"$BIN" scan --format jsonl -q "$T/a.txt.gz" > "$T/gz.jsonl"
check "stdin finds the same" py "
import json
a=[(r['start'],r['end'],r['type']) for r in map(json.loads,open('$T/a.jsonl'))]
b=[(r['start'],r['end'],r['type']) for r in map(json.loads,open('$T/stdin.jsonl'))]
c=[(r['start'],r['end'],r['type']) for r in map(json.loads,open('$T/gz.jsonl'))]
assert a==b==c, (a,b,c)
"

# --- exit codes and filters
printf 'nothing to see\n' > "$T/clean.txt"
"$BIN" scan -q "$T/clean.txt" > /dev/null; check "exit 0 when clean" test $? -eq 0
"$BIN" scan -q --fail-on never "$T/a.txt" > /dev/null; check "--fail-on never" test $? -eq 0
"$BIN" scan -q --fail-on restricted "$T/a.txt" > /dev/null; check "--fail-on restricted hit" test $? -eq 1
printf 'mail bob@example.org\n' > "$T/contact.txt"
"$BIN" scan -q --fail-on restricted "$T/contact.txt" > /dev/null
check "--fail-on restricted ignores contact-only" test $? -eq 0
"$BIN" scan -q --format jsonl --types CREDIT_CARD "$T/a.txt" > "$T/types.jsonl"
check "--types filters" py "
import json
t={json.loads(l)['type'] for l in open('$T/types.jsonl')}
assert t=={'CREDIT_CARD'}, t
"
"$BIN" scan --types NO_SUCH_TYPE "$T/a.txt" > /dev/null 2> "$T/err"
check "unknown type is a usage error" test $? -eq 2
check "unknown type named" grep -q NO_SUCH_TYPE "$T/err"
"$BIN" scan --format xml "$T/a.txt" > /dev/null 2>&1; check "bad --format exit 2" test $? -eq 2
"$BIN" scan > /dev/null 2>&1; check "no input exit 2" test $? -eq 2

# --- directory walk: recursion, .gitignore, binary skip, unreadable file, symlink loop
mkdir -p "$T/tree/sub/deep" "$T/tree/ignored"
cp "$T/a.txt" "$T/tree/sub/deep/x.txt"
cp "$T/a.txt" "$T/tree/ignored/y.txt"
printf 'ignored/\n' > "$T/tree/.gitignore"
printf 'bin\0ary zoe@example.com\n' > "$T/tree/blob.bin"
ln -s .. "$T/tree/sub/loop"
"$BIN" scan --format json -q "$T/tree" > "$T/tree.json" 2> "$T/tree.err"; rc=$?
check "tree exit 1" test "$rc" -eq 1
check "tree json" py "
import json
d=json.load(open('$T/tree.json'))
files={f['file']:f for f in d['files']}
assert any(p.endswith('sub/deep/x.txt') for p in files), files.keys()
assert not any('ignored' in p for p in files), files.keys()
blob=[f for p,f in files.items() if p.endswith('blob.bin')]
assert blob and blob[0]['skipped'] and not blob[0]['findings']
x=[f for p,f in files.items() if p.endswith('x.txt')][0]
assert x['sensitivity']=='restricted'
"
if [ "$(id -u)" -ne 0 ]; then
    cp "$T/a.txt" "$T/tree/secret.txt"; chmod 000 "$T/tree/secret.txt"
    "$BIN" scan -q "$T/tree/secret.txt" "$T/clean.txt" > /dev/null 2> "$T/unread.err"
    check "unreadable file exit 3" test $? -eq 3
    check "unreadable named" grep -q secret.txt "$T/unread.err"
fi
"$BIN" scan -q "$T/missing.txt" "$T/clean.txt" > /dev/null 2> "$T/missing.err"
check "missing file exit 3" test $? -eq 3
check "missing file named" grep -q missing.txt "$T/missing.err"

# --- CSV: per-column profile, offsets into the raw file, broken quoting keeps going
printf 'id,email,note\n1,ann@example.com,"said ""hi"" 4111 1111 1111 1111"\n2,bo@example.org,ok\n3,"broken"x,tail 378282246310005\n' > "$T/c.csv"
"$BIN" scan --format json -q "$T/c.csv" > "$T/c.json" 2> "$T/c.err"
check "csv profile" py "
import json
d=json.load(open('$T/c.json'))
f=d['files'][0]
assert f['format']=='csv', f['format']
cols={c['field']:c for c in f['columns']}
em=cols['email']
assert em['cells']==3 and em['types'][0]['type']=='EMAIL_ADDRESS' and em['types'][0]['cells']==2, em
raw=open('$T/c.csv','rb').read()
for x in f['findings']:
    assert x['field'] in cols
cards=[x for x in f['findings'] if x['type']=='CREDIT_CARD']
assert len(cards)==2, cards
assert raw[cards[0]['start']:cards[0]['end']]==b'4111 1111 1111 1111'
assert raw[cards[1]['start']:cards[1]['end']]==b'378282246310005'
"
check "csv broken quote warned" grep -qi "line 4" "$T/c.err"

# --- a column or key name is context: bare 9 digits count as an SSN under a "ssn" header
printf 'name,ssn\nBob,536221234\n' > "$T/ssn.csv"
"$BIN" scan --format jsonl -q "$T/ssn.csv" > "$T/ssn.out"
check "column name is context" grep -q '"type":"US_SSN"' "$T/ssn.out"
printf 'name,id\nBob,536221234\n' > "$T/id.csv"
"$BIN" scan --format jsonl -q "$T/id.csv" > "$T/id.out"
check "no context, no SSN" bash -c "! grep -q US_SSN '$T/id.out'"

# --- CSV and JSONL cells are scanned many at a time (batches of 64 KiB; JSONL is read in
# blocks of lines, 1 MiB at a time): across batch and block ends, every finding keeps its own
# cell's offsets, line and column, and a neighbour's column name or digits never lift or join it
/usr/bin/python3 -c "
import json
with open('$T/many.csv', 'w') as c, open('$T/many.jsonl', 'w') as j:
    c.write('note,ssn,id,email\n')
    for i in range(15000):
        ssn = '536221234' if i % 50 == 0 else 'n/a'
        c.write('\"said \"\"x\"\" %d\",%s,536221234,u%d@example.com\n' % (i, ssn, i))
        rec = {'n': i, 'ssn': ssn, 'id': '536221234', 'email': 'u%d@example.com' % i}
        j.write((json.dumps(rec) if i % 500 != 1 else 'not json u%d@example.com' % i) + '\n')
"
for f in many.csv many.jsonl; do
    "$BIN" scan --format jsonl --show-values -q -j 1 "$T/$f" > "$T/$f.out" 2> "$T/$f.err"
    check "$f: findings in their own cells" py "
import json
raw = open('$T/$f', 'rb').read()
rows = [json.loads(l) for l in open('$T/$f.out')]
ssn = [r for r in rows if r['type'] == 'US_SSN']
mail = [r for r in rows if r['type'] == 'EMAIL_ADDRESS']
assert len(mail) == 15000 and len(ssn) == 300, (len(mail), len(ssn))
assert all(r['field'].endswith('ssn') for r in ssn), {r['field'] for r in ssn}
for r in rows:
    s, e = r['start'], r['end']
    assert raw[s:e].decode() == r['preview'], r
    ls = raw.rfind(b'\n', 0, s) + 1
    assert r['line'] == raw.count(b'\n', 0, s) + 1 and r['column'] == s - ls + 1, r
"
done

# --- a CSV without a header line (its first line has digits): columns are #1, #2, ...
printf '1,2,3,4,5,6,7,8,9,10,11,12\n1,2,3,4,5,6,7,8,9,10,ann@example.com,x\n' > "$T/wide.csv"
"$BIN" scan --format jsonl -q "$T/wide.csv" > "$T/wide.out"
check "columns without a header are numbered" grep -q '"field":"#11","row":2' "$T/wide.out"

# --- a CSV cell over the reader's 1 MiB limit: the file is scanned as text instead, not skipped
/usr/bin/python3 -c "
import sys
sys.stdout.write('id,blob\n1,\"' + 'x ' * 700000 + 'hidden eve@example.com\"\n')
" > "$T/huge.csv"
"$BIN" scan --format jsonl -q "$T/huge.csv" > "$T/huge.out" 2> "$T/huge.err"
check "oversized csv cell still scanned" grep -q EMAIL_ADDRESS "$T/huge.out"
check "oversized csv cell warned" grep -q "scanned as text" "$T/huge.err"

# --- a .jsonl file with plain lines among its records: every line is scanned, the first 10 bad
# ones are named and the rest counted; the same content without the extension is sniffed as text
/usr/bin/python3 -c "
for i in range(45):
    print('{\"n\": %d}' % i if i % 3 != 2 else 'plain line %d mail%d@example.com' % (i, i))
" > "$T/mixed.jsonl"
"$BIN" scan --format jsonl -q "$T/mixed.jsonl" > "$T/mixed.out" 2> "$T/mixed.err"
check "mixed jsonl: every bad line scanned" test "$(grep -c EMAIL_ADDRESS "$T/mixed.out")" -eq 15
check "mixed jsonl: ten lines named" test "$(grep -c 'the line was scanned as text' "$T/mixed.err")" -eq 10
# lines and offsets are the file's, not the line's own (line 3 starts after two 9-byte records)
check "mixed jsonl: first bad line located" grep -q "mixed.jsonl: line 3, column 1 (offset 18): " "$T/mixed.err"
check "mixed jsonl: last named line located" grep -q "mixed.jsonl: line 30, column 1 (offset " "$T/mixed.err"
check "mixed jsonl: the rest counted" grep -q "5 more lines are not JSON" "$T/mixed.err"

# --- with several threads a large JSONL file is scanned in parts of whole lines, which must
# report exactly what one reader reports: offsets, lines, field profiles, the first ten bad
# lines named across parts, and a line that makes the whole file be scanned as text
/usr/bin/python3 -c "
import json
pad = 'x' * 200
with open('$T/big.jsonl', 'w') as a, open('$T/deep.jsonl', 'w') as d, open('$T/keys.jsonl', 'w') as k:
    for i in range(80000):
        if i % 5000 == 7:
            line = 'not json %d ann%d@example.com' % (i, i)
        else:
            rec = {'n': i, 'ssn': '536-22-1234' if i % 97 == 0 else 'n/a', 'pad': pad,
                   'email': 'u%d@example.com' % i}
            if i > 40000 and i % 7 == 0:
                rec['late_%d' % (i % 13)] = '4111 1111 1111 1111'
            line = json.dumps(rec)
        a.write(line + '\\n')
        d.write(('{' + chr(34) + 'a' + chr(34) + ':') * 600 + '1' + '}' * 600 if i == 60000 else line)
        d.write('\\n')
    for i in range(100001):
        k.write(json.dumps({'key%d' % i: pad + ' +1 415 555 %04d' % (i % 10000)}) + '\\n')
"
# Each file in $T scanned with one thread and with two (in parts): the findings, warnings, exit
# code and the JSON report's profiles must be the same. Leaves $T/FILE.2.out and FILE.2.err.
same_in_parts() {
    local f j
    for f in "$@"; do
        for j in 1 2; do
            "$BIN" scan --format jsonl -q -j $j "$T/$f" > "$T/$f.$j.out" 2> "$T/$f.$j.err"
            echo "rc=$?" >> "$T/$f.$j.err"
            "$BIN" scan --format json -j $j "$T/$f" 2> /dev/null |
                sed -E 's/"seconds": ?[0-9.e+-]+//' > "$T/$f.$j.json"
        done
        check "$f: parts report what one reader does" cmp -s "$T/$f.1.out" "$T/$f.2.out"
        check "$f: parts warn as one reader does" cmp -s "$T/$f.1.err" "$T/$f.2.err"
        check "$f: parts profile as one reader does" cmp -s "$T/$f.1.json" "$T/$f.2.json"
    done
}
same_in_parts big.jsonl deep.jsonl keys.jsonl
check "big.jsonl: bad lines named across parts" test "$(grep -c 'the line was scanned as text' "$T/big.jsonl.2.err")" -eq 10
check "big.jsonl: the rest counted" grep -q "^6 more lines are not JSON" "$T/big.jsonl.2.err"
check "big.jsonl: a late line located" py "
import json
raw = open('$T/big.jsonl', 'rb').read()
rows = [json.loads(l) for l in open('$T/big.jsonl.2.out')]
last = max(rows, key=lambda r: r['start'])
assert last['line'] == raw.count(b'\\n', 0, last['start']) + 1, last
assert len([r for r in rows if r['type'] == 'CREDIT_CARD']) > 2000
"
check "deep.jsonl: scanned as text" grep -q "line 60001, .*nesting deeper than 512; scanned as text instead" "$T/deep.jsonl.2.err"
check "keys.jsonl: too many fields, scanned as text" grep -q "more than 100000 distinct fields; scanned as text instead" "$T/keys.jsonl.2.err"

# --- CSV and TSV files are split into parts of whole records the same way: quoted cells that
# hold newlines, CRLF, blank lines and columns that appear only late must give what one reader
# gives. Quotes inside unquoted cells fool the planning pass (it counts quotes) into cutting
# inside a quoted cell: the part before does not end at a record start, and one reader reads
# the file again from there. A cell over the limit late in a file makes it be scanned as text.
/usr/bin/python3 -c "
with open('$T/q.csv', 'w', newline='') as q, open('$T/stray.csv', 'w') as s, \
        open('$T/cell.tsv', 'w') as t:
    q.write('\"Full name\",email,notes,phone\r\n')
    t.write('name\temail\tnotes\n')
    for i in range(130000):
        notes = ('\"line one, %d\nsays \"\"call 415-555-%04d\"\"\r\nend\"' % (i, i % 10000)
                 if i % 3 == 0 else 'plain %d %s' % (i, '.' * 100))
        extra = ',late 4111 1111 1111 1111' if i > 100000 and i % 11 == 0 else ''
        q.write('\"P %d\",u%d@example.com,%s,+1 202 555 %04d%s\r\n' % (i, i, notes, i % 10000, extra))
        if i % 10000 == 5:
            q.write('\r\n')
        desc = '5\" tv' if i in (3, 4, 70000) else ('\"multi\nline %d\"' % i if i % 9 == 0 else 'desk')
        s.write('%d,%s,v%d@example.org,536-22-%04d,%s\n' % (i, desc, i, 1000 + i % 9000, '-' * 90))
        t.write('n%d\tt%d@example.net\t%s\n' % (i, i, 'y' * (2 << 20) if i == 120000 else 'x' * 100))
"
same_in_parts q.csv stray.csv cell.tsv
# gzip input is inflated on a thread of its own with two threads (pcl_input_readahead()):
# the same findings, warnings and errors, a truncated stream included
gzip -c "$T/q.csv" > "$T/qz.csv.gz"
gzip -c "$T/big.jsonl" > "$T/bigz.jsonl.gz"
head -c 200000 "$T/bigz.jsonl.gz" > "$T/cut.jsonl.gz"
same_in_parts qz.csv.gz bigz.jsonl.gz cut.jsonl.gz
check "cut.jsonl.gz: the truncation named" grep -q "cut.jsonl.gz: corrupt gzip data at compressed offset 200000: truncated" "$T/cut.jsonl.gz.2.err"
# the progress bar (a TTY and 64 MiB or more) counts a gzip file's compressed bytes against
# its size on disk: it never shows more read than there is
/usr/bin/python3 -c "
import base64, os, random
random.seed(5)
with open('$T/noise.txt', 'wb') as f:
    for _ in range(88):
        f.write(base64.encodebytes(random.randbytes(750000)))
"
gzip -1 -c "$T/noise.txt" > "$T/noise.txt.gz"
rm -f "$T/noise.txt"
script -qc "'$BIN' scan -j 2 --format jsonl -o /dev/null '$T/noise.txt.gz'" /dev/null > "$T/tty.out" 2>&1
check "gzip progress: shown, and never past the file's size" py "
import re
lines = open('$T/tty.out', 'rb').read().decode(errors='replace').replace('\r', '\n').split('\n')
bars = [tuple(map(float, m.groups())) for m in
        (re.search(r'scan: +([0-9.]+)%  ([0-9.]+) / ([0-9.]+) MB', l) for l in lines) if m]
assert bars, lines[-5:]
assert all(d <= t + 0.1 for p, d, t in bars), bars
assert bars[-1][0] == 100.0 and abs(bars[-1][1] - bars[-1][2]) < 0.1, bars[-1]
"
check "q.csv: rows and lines are the file's" py "
import json, re
raw = open('$T/q.csv', 'rb').read()
rows = [json.loads(l) for l in open('$T/q.csv.2.out')]
mails = [r for r in rows if r['type'] == 'EMAIL_ADDRESS']
assert len(mails) == 130000, len(mails)
for r in mails:
    n = int(re.match(rb'u(\d+)@', raw[r['start']:r['end']]).group(1))
    assert r['row'] == n + 1 and r['field'] == 'email', r
at, line = 0, 1
for r in sorted(mails, key=lambda r: r['start']):   # every '\r' here is followed by '\n'
    line += raw.count(b'\n', at, r['start'])
    at = r['start']
    assert r['line'] == line, r
assert sum(r['field'] == '#5' for r in rows) > 2000
"
check "stray.csv: warned once per stray quote" test "$(grep -c 'quote inside unquoted field' "$T/stray.csv.2.err")" -eq 3
check "cell.tsv: scanned as text" grep -q "cell larger than 1048576 bytes; scanned as text instead" "$T/cell.tsv.2.err"
cp "$T/mixed.jsonl" "$T/mixed.log"
"$BIN" scan --format jsonl -q "$T/mixed.log" > "$T/mixedlog.out" 2> "$T/mixedlog.err"
check "mixed log: sniffed as text, no warnings" test ! -s "$T/mixedlog.err"
check "mixed log: every line scanned" test "$(grep -c EMAIL_ADDRESS "$T/mixedlog.out")" -eq 15
# a log that begins with one JSON record is text too, not a broken JSON document
printf '{"boot": 1}\nplain line ann@example.com\n' > "$T/onejson.log"
"$BIN" scan --format jsonl -q "$T/onejson.log" > "$T/onejson.out" 2> "$T/onejson.err"
check "log after a JSON record: no JSON error" test ! -s "$T/onejson.err"
check "log after a JSON record: finding not unparsed" grep -q '"line":2.*EMAIL_ADDRESS' "$T/onejson.out"
check "log after a JSON record: no field" test "$(grep -c '"field"' "$T/onejson.out")" -eq 0

# --- JSON and JSONL: field paths, escapes, a bad line is still scanned
printf '{"users":[{"email":"a\\u0040b.example.com x carl@example.com","n":1}]}\n' > "$T/j.json"
"$BIN" scan --format jsonl -q "$T/j.json" > "$T/j.jsonl"
check "json path" py "
import json
r=[json.loads(l) for l in open('$T/j.jsonl')]
assert len(r)==2 and r[0]['field']=='users[].email', r
raw=open('$T/j.json','rb').read()
assert raw[r[0]['start']:r[0]['end']]==b'a\\\\u0040b.example.com', r   # escape mapped back to raw bytes
assert raw[r[1]['start']:r[1]['end']]==b'carl@example.com', r
"
printf '{"a":"dana@example.com"}\n{"b": oops dave@example.com}\n\n{"c":"4111111111111111"}\n' > "$T/l.jsonl"
"$BIN" scan --format jsonl -q "$T/l.jsonl" > "$T/l.out" 2> "$T/l.err"
check "jsonl bad line still scanned" py "
import json
r=[json.loads(l) for l in open('$T/l.out')]
raw=open('$T/l.jsonl','rb').read()
vals=sorted(raw[x['start']:x['end']] for x in r)
assert vals==[b'4111111111111111', b'dana@example.com', b'dave@example.com'], vals
lines=sorted(x['line'] for x in r)
assert lines==[1,2,4], lines
"
check "jsonl bad line warned" grep -q "line 2" "$T/l.err"

# --- SARIF 2.1.0 shape
"$BIN" scan --format sarif -q "$T/a.txt" > "$T/a.sarif"
check "sarif" py "
import json
d=json.load(open('$T/a.sarif'))
assert d['version']=='2.1.0' and d['\$schema'].endswith('sarif-2.1.0.json')
run=d['runs'][0]
rules=run['tool']['driver']['rules']
ids=[r['id'] for r in rules]
assert len(set(ids))==len(ids)
res=run['results']
assert len(res)==2
for x in res:
    assert ids[x['ruleIndex']]==x['ruleId']
    loc=x['locations'][0]['physicalLocation']
    assert loc['region']['startLine']>=1 and loc['artifactLocation']['uri']
    assert x['level'] in ('error','warning','note')
    assert x['partialFingerprints']
"

# --- many threads over a big file equal one thread
/usr/bin/python3 - "$T/big.txt" <<'PY'
import sys, random
random.seed(1)
words = ['alpha', 'order 4111111111111112', 'v1.2.3', 'mail x.y@example.com', 'card 5555555555554444',
         'ssn 078-05-1120', '2024-01-01T00:00:00Z', 'Zoë', 'token', '\n']
with open(sys.argv[1], 'w') as f:
    n = 0
    while n < 20_000_000:
        w = random.choice(words) + ' '
        f.write(w); n += len(w.encode())
PY
"$BIN" scan --format jsonl -q -j 1 "$T/big.txt" > "$T/big1.jsonl"
"$BIN" scan --format jsonl -q -j 4 "$T/big.txt" > "$T/big4.jsonl"
check "threads equal one thread" cmp -s "$T/big1.jsonl" "$T/big4.jsonl"
# the streaming path (stdin) must agree with the segment scan of the file, up to the file name
"$BIN" scan --format jsonl -q - < "$T/big.txt" | sed 's/"file":"-"/"file":"BIG"/' > "$T/bigs.jsonl"
sed "s|\"file\":\"$T/big.txt\"|\"file\":\"BIG\"|" "$T/big1.jsonl" > "$T/big1n.jsonl"
check "stream equals segments" cmp -s "$T/bigs.jsonl" "$T/big1n.jsonl"
cmp -s "$T/big1.jsonl" "$T/big4.jsonl" || diff "$T/big1.jsonl" "$T/big4.jsonl" | head -5
# a streamed input that is the only one is cut into 4 MiB parts scanned on several threads
# (a gzip file is inflated by the reading thread): every thread count gives the same
for j in 1 2 3; do
    "$BIN" scan --format jsonl -q -j $j - < "$T/big.txt" | sed 's/"file":"-"/"file":"BIG"/' \
        > "$T/bigs$j.jsonl"
    check "stdin on $j threads equals segments" cmp -s "$T/bigs$j.jsonl" "$T/big1n.jsonl"
done
gzip -c "$T/big.txt" > "$T/bigz.txt.gz"
for j in 1 3; do
    "$BIN" scan --format jsonl -q -j $j "$T/bigz.txt.gz" | sed "s|\"file\":\"$T/bigz.txt.gz\"|\"file\":\"BIG\"|" \
        > "$T/bigz$j.jsonl"
    check "gzip text on $j threads equals segments" cmp -s "$T/bigz$j.jsonl" "$T/big1n.jsonl"
done
# a truncated stream: the findings of the parts read whole, then the error, named once
head -c 1000000 "$T/bigz.txt.gz" > "$T/bigcut.txt.gz"
for j in 1 3; do
    "$BIN" scan --format jsonl -q -j $j "$T/bigcut.txt.gz" > "$T/bigcut$j.jsonl" 2> "$T/bigcut$j.err"
    echo $? > "$T/bigcut$j.rc"
done
check "truncated stream: exit 1 on every thread count" test "$(cat "$T/bigcut1.rc")$(cat "$T/bigcut3.rc")" = 11
check "truncated stream: the error names the file once" \
    grep -qx "portcullis: scan: $T/bigcut.txt.gz: corrupt gzip data at compressed offset 1000000: truncated gzip data" "$T/bigcut3.err"
check "truncated stream: threads find a prefix of what one thread finds" py "
a = open('$T/bigcut1.jsonl').read().splitlines()
b = open('$T/bigcut3.jsonl').read().splitlines()
assert len(b) > 1000 and a[:len(b)] == b, (len(a), len(b))
"
check "big file findings" test "$(wc -l < "$T/big1.jsonl")" -gt 1000

# --- many small files of every format (each worker reuses its stream and buffers, and the
# report waits for batches of files): every file is reported, in order, whatever the threads
mkdir -p "$T/many"
for i in $(seq 1 300); do
    case $((i % 4)) in
    0) printf 'line %d mail u%d@example.com\n' "$i" "$i" > "$T/many/f$i.txt" ;;
    1) printf 'name,email\nx,u%d@example.com\n' "$i" > "$T/many/f$i.csv" ;;
    2) printf '{"email":"u%d@example.com"}\n' "$i" > "$T/many/f$i.jsonl" ;;
    3) printf 'nothing here %d\n' "$i" > "$T/many/f$i.txt" ;;
    esac
done
"$BIN" scan --format jsonl -q -j 1 --fail-on never "$T/many" > "$T/many1.jsonl"
"$BIN" scan --format jsonl -q -j 3 --fail-on never "$T/many" > "$T/many3.jsonl"
"$BIN" scan --format json -q -j 2 --fail-on never "$T/many" > "$T/many.json"
check "many files: threads agree" cmp -s "$T/many1.jsonl" "$T/many3.jsonl"
check "many files: one finding per file with an address" test "$(wc -l < "$T/many1.jsonl")" -eq 225
check "many files: each finding in its own file" py "
import json
for l in open('$T/many1.jsonl'):
    r = json.loads(l)
    n = r['file'].rsplit('/f', 1)[1].split('.')[0]
    assert r['type'] == 'EMAIL_ADDRESS', r
    assert open(r['file']).read().count('u%s@' % n) == 1, r
"
check "many files: all 300 reported" py "
import json
d = json.load(open('$T/many.json'))
assert len(d['files']) == 300, len(d['files'])
"

# --- a file that shrinks while it is scanned (a shim truncates it at the second read):
# the error names the file and the offset, the other files are still scanned, and with
# --fail-on never (findings would take exit 1) the exit code is 3
SHIM=${PCL_SHRINK_SHIM:?PCL_SHRINK_SHIM must point at the test shim (ctest sets it)}
cp "$T/big.txt" "$T/shrink.txt"
PCL_SHRINK_NAME=/shrink.txt LD_PRELOAD="$SHIM" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
    "$BIN" scan --format jsonl -q -j 1 --fail-on never "$T/shrink.txt" "$T/a.txt" > "$T/shrink.jsonl" 2> "$T/shrink.err"
rc=$?
check "shrunk file: exit 3" test "$rc" -eq 3
check "shrunk file: error names file and offset" \
    grep -q "shrink.txt: offset [0-9]*: the file shrank while it was scanned" "$T/shrink.err"
check "shrunk file: the other file is scanned" grep -q "\"file\":\"$T/a.txt\"" "$T/shrink.jsonl"
check "shrunk file: the file really shrank" test "$(stat -c %s "$T/shrink.txt")" -lt 20000000

# --- config file
printf 'detect:\n  disable: [EMAIL_ADDRESS]\n' > "$T/cfg.yaml"
"$BIN" scan -q --format jsonl --config "$T/cfg.yaml" "$T/a.txt" > "$T/cfg.out"
check "config disables" bash -c "! grep -q EMAIL_ADDRESS '$T/cfg.out'"
printf 'detect:\n  min_scor: 0.5\n' > "$T/bad.yaml"
"$BIN" scan -q --config "$T/bad.yaml" "$T/a.txt" > /dev/null 2> "$T/bad.err"
check "bad config exit 2" test $? -eq 2
check "bad config names line" grep -q "line 2" "$T/bad.err"
printf 'detect:\n  disable: [EMAIL_ADDRESS]\n  min_score: 0.5\n  disable: [US_SSN]\n' > "$T/dup.yaml"
"$BIN" scan -q --config "$T/dup.yaml" "$T/a.txt" > /dev/null 2> "$T/dup.err"
check "duplicate config key exit 2" test $? -eq 2
check "duplicate config key named with its line" grep -q "line 4: disable: duplicate key" "$T/dup.err"

# --- bundled examples
"$BIN" scan -q --config "$SRC/examples/portcullis.yaml" --fail-on never "$SRC/examples/data" > "$T/ex.txt"
check "examples scan" test $? -eq 0
check "examples find a github token" grep -q GITHUB_TOKEN "$T/ex.txt"

echo "$pass passed, $fails failed"
test "$fails" -eq 0
