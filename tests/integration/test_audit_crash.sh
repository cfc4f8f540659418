#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Crash safety: `kill -9` the writer during sustained appends, restart, and check that no
# acknowledged event was lost (each acknowledged index holds exactly the event sent for it),
# that appends continue where they stopped, and that the tree matches every checkpoint signed.
set -uo pipefail

PY=/usr/bin/python3

BIN=${PCL_BIN:?}
T=$(mktemp -d)
apid=""
gpid=""
cleanup() {
    [ -n "$apid" ] && kill -9 "$apid" 2> /dev/null
    [ -n "$gpid" ] && kill "$gpid" 2> /dev/null
    rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 1
export PORTCULLIS_AUDIT_DB="sqlite://$T/log.db"
"$BIN" audit keygen --name example.com/crash -o log.key > log.vkey || exit 1
cat > gen.py <<'PY'
import sys
seq = int(sys.argv[1])
out = sys.stdout
try:
    while True:
        for _ in range(100):
            out.write('{"seq":%d,"pad":"%s"}\n' % (seq, "x" * (seq % 200)))
            seq += 1
        out.flush()
except BrokenPipeError:
    pass
PY
cat > check.py <<'PY'
# check.py DB ACKS...: every complete acknowledged line names an entry holding its own seq
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
size = db.execute("SELECT COUNT(*), COALESCE(MAX(idx) + 1, 0) FROM audit_leaf").fetchone()
assert size[0] == size[1], "entries are not contiguous: %r" % (size,)
acked = 0
for path in sys.argv[2:]:
    data = open(path).read()
    lines = data.split("\n")[:-1]  # a line cut by the kill has no newline: not an ack
    for l in lines:
        i = int(l)
        row = db.execute("SELECT entry FROM audit_leaf WHERE idx = ?", (i,)).fetchone()
        assert row is not None, "acknowledged entry %d is missing" % i
        e = json.loads(row[0])
        assert e["index"] == i and e["event"]["seq"] == i, "entry %d holds %r" % (i, e)
        acked += 1
print("acknowledged %d, stored %d" % (acked, size[0]))
PY

fails=0
acks=()
for round in 1 2 3; do
    start=$($PY -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM audit_leaf').fetchone()[0])" log.db 2> /dev/null || echo 0)
    rm -f fifo
    mkfifo fifo
    $PY gen.py "$start" > fifo &
    gpid=$!
    "$BIN" audit append --key-file log.key --checkpoint-every 997 < fifo > "acks.$round" 2> "err.$round" &
    apid=$!
    # kill while appends are under way: after the first acknowledgement (start-up time
    # varies with the machine's load), then a random 0.1-0.9 s more
    for _ in $(seq 200); do
        [ -s "acks.$round" ] && break
        sleep 0.1
    done
    sleep "0.$((RANDOM % 9 + 1))"
    kill -9 "$apid"
    wait "$apid" 2> /dev/null
    apid=""
    kill "$gpid" 2> /dev/null
    wait "$gpid" 2> /dev/null
    gpid=""
    acks+=("acks.$round")
    if [ ! -s "acks.$round" ]; then
        echo "FAIL: round $round: nothing was acknowledged"; cat "err.$round"; fails=$((fails + 1))
    fi
    if ! $PY check.py log.db "${acks[@]}"; then
        echo "FAIL: round $round: acknowledged events lost"; fails=$((fails + 1))
    fi
    if ! "$BIN" audit verify --vkey-file log.vkey > "verify.$round" 2>&1; then
        echo "FAIL: round $round: verify after the crash"; cat "verify.$round"; fails=$((fails + 1))
    fi
done
# a clean run afterwards continues the same tree and signs a final checkpoint
$PY gen.py "$($PY -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM audit_leaf').fetchone()[0])" log.db)" | head -n 1000 |
    "$BIN" audit append --key-file log.key > acks.final || { echo "FAIL: append after crashes"; fails=$((fails + 1)); }
acks+=(acks.final)
$PY check.py log.db "${acks[@]}" || fails=$((fails + 1))
"$BIN" audit verify --vkey-file log.vkey || fails=$((fails + 1))
[ "$fails" -eq 0 ] && echo "audit crash: ok"
[ "$fails" -eq 0 ]
