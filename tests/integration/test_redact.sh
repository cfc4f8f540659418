#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `portcullis redact` / `unredact` end to end on text, CSV, JSONL and gzip input: every
# operator, fpe and vault round trips, key and vault errors, and exit codes.
set -u

BIN=${PCL_BIN:?PCL_BIN must point at the portcullis binary}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pcl_redact_it.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
FAILS=0

fail() {
    echo "FAIL: $*" >&2
    FAILS=$((FAILS + 1))
}

# expect_rc WANT DESCRIPTION -- command...
expect_rc() {
    local want=$1 what=$2 rc
    shift 3
    "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ "$rc" -ne "$want" ]; then
        fail "$what: exit $rc, want $want; stderr: $(head -c 400 "$TMP/err")"
        return 1
    fi
    return 0
}

unset PORTCULLIS_KEY
KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
KEY2=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$KEY" >"$TMP/key.hex"
head -c 32 /dev/urandom >"$TMP/key.raw"

cat >"$TMP/in.txt" <<'TXT'
Contact jane.doe@example.com or call (415) 555-2671 today.
Card 4111 1111 1111 1111 and SSN 536-22-1234; IBAN DE89 3704 0044 0532 0130 00.
Office +44 20 7946 0958, server 192.168.100.200, mail bob.smith@corp.example.org
No personal data on this line.
TXT
VALUES=("jane.doe@example.com" "555-2671" "4111 1111 1111 1111" "536-22-1234"
        "DE89 3704 0044 0532 0130 00" "7946 0958" "bob.smith@corp.example.org")

# ---- usage and key errors ----------------------------------------------------------------
expect_rc 0 "--help" -- "$BIN" redact --help && {
    for w in mask tag hash fpe vault --key-file --key-env --vault --input-format --types \
             --min-score --config --op --keep; do
        grep -q -- "$w" "$TMP/out" || fail "redact --help does not mention $w"
    done
}
for op in hash fpe vault; do
    if expect_rc 2 "$op without a key" -- "$BIN" redact --operator "$op" --vault "$TMP/v0.db" \
        "$TMP/in.txt"; then
        grep -q "needs a key" "$TMP/err" || fail "$op without a key: unclear message: $(cat "$TMP/err")"
        grep -q "PORTCULLIS_KEY" "$TMP/err" || fail "$op without a key: message does not name PORTCULLIS_KEY"
    fi
done
expect_rc 2 "vault without --vault" -- env PORTCULLIS_KEY="$KEY" "$BIN" redact --operator vault "$TMP/in.txt"
expect_rc 2 "unknown operator" -- "$BIN" redact --operator scramble "$TMP/in.txt"
expect_rc 2 "bad --op" -- "$BIN" redact --op EMAIL_ADDRESS "$TMP/in.txt"
# a rule for a type no detector reports would never apply: refused, with the near type
if expect_rc 2 "--op with an unknown type" -- "$BIN" redact --op EMAIL=keep "$TMP/in.txt"; then
    grep -q 'unknown entity type or category "EMAIL"; did you mean EMAIL_ADDRESS?' "$TMP/err" ||
        fail "--op unknown type: unclear message: $(cat "$TMP/err")"
fi
expect_rc 2 "bad key text" -- env PORTCULLIS_KEY=abcd "$BIN" redact --operator hash "$TMP/in.txt"
expect_rc 2 "missing key file" -- "$BIN" redact --operator hash --key-file "$TMP/nope" "$TMP/in.txt"
expect_rc 2 "unredact with nothing to reverse" -- env PORTCULLIS_KEY="$KEY" "$BIN" unredact "$TMP/in.txt"

# ---- text: irreversible operators leave nothing detectable -------------------------------
export PORTCULLIS_KEY="$KEY"
for op in mask tag hash; do
    if expect_rc 0 "text $op" -- "$BIN" redact --operator "$op" "$TMP/in.txt"; then
        cp "$TMP/out" "$TMP/red.$op"
        for v in "${VALUES[@]}"; do
            [ "$op" = mask ] && continue
            grep -qF -- "$v" "$TMP/red.$op" && fail "text $op kept \"$v\""
        done
        grep -q "No personal data on this line." "$TMP/red.$op" || fail "text $op changed clean text"
        [ "$(wc -l <"$TMP/red.$op")" -eq 4 ] || fail "text $op changed the line count"
        expect_rc 0 "scan after $op finds nothing" -- "$BIN" scan "$TMP/red.$op"
    fi
done
grep -q "<EMAIL_ADDRESS>" "$TMP/red.tag" || fail "tag: no <EMAIL_ADDRESS> in output"
grep -q "\*\*\*\*\*\*\*\*@example.com" "$TMP/red.mask" || fail "mask: e-mail not masked as documented"
grep -q "\*\*\*\* \*\*\*\* \*\*\*\* 1111" "$TMP/red.mask" || fail "mask: card not masked as documented"
grep -qE "<EMAIL_ADDRESS:[0-9a-f]{12}>" "$TMP/red.hash" || fail "hash: no pseudonym in output"

# hash: stable for one key (file or env, same key), different for another key
"$BIN" redact --operator hash --key-file "$TMP/key.hex" "$TMP/in.txt" >"$TMP/h2" 2>/dev/null
cmp -s "$TMP/red.hash" "$TMP/h2" || fail "hash: --key-file and PORTCULLIS_KEY with the same key differ"
PORTCULLIS_KEY="$KEY2" "$BIN" redact --operator hash "$TMP/in.txt" >"$TMP/h3" 2>/dev/null
cmp -s "$TMP/red.hash" "$TMP/h3" && fail "hash: two keys gave the same pseudonyms"
"$BIN" redact --operator hash --key-file "$TMP/key.raw" "$TMP/in.txt" >/dev/null 2>&1 ||
    fail "hash: raw 32-byte key file rejected"

# per-type operators and --keep
if expect_rc 0 "--op rules" -- "$BIN" redact --operator tag --op EMAIL_ADDRESS=keep \
    --op financial=mask --keep 2 "$TMP/in.txt"; then
    grep -q "jane.doe@example.com" "$TMP/out" || fail "--op EMAIL_ADDRESS=keep did not keep"
    grep -q "\*\*\*\* \*\*\*\* \*\*\*\* \*\*11" "$TMP/out" || fail "--op financial=mask --keep 2"
    grep -q "<US_SSN>" "$TMP/out" || fail "--op rules: default tag not applied to US_SSN"
fi

# ---- text: fpe and vault round trips ------------------------------------------------------
if expect_rc 0 "text fpe" -- "$BIN" redact --operator fpe --vault "$TMP/v.db" "$TMP/in.txt"; then
    cp "$TMP/out" "$TMP/red.fpe"
    for v in "${VALUES[@]}"; do
        grep -qF -- "$v" "$TMP/red.fpe" && fail "text fpe kept \"$v\""
    done
    [ "$(wc -c <"$TMP/red.fpe")" -eq "$(wc -c <"$TMP/in.txt")" ] || fail "fpe changed the length"
    grep -q "@example.com" "$TMP/red.fpe" || fail "fpe: e-mail domain not kept"
    if expect_rc 0 "text fpe unredact" -- "$BIN" unredact --operator fpe --vault "$TMP/v.db" "$TMP/red.fpe"; then
        cmp -s "$TMP/out" "$TMP/in.txt" || fail "text fpe round trip differs: $(diff "$TMP/out" "$TMP/in.txt" | head -5)"
    fi
fi
if expect_rc 0 "text vault" -- "$BIN" redact --operator vault --vault "$TMP/v.db" "$TMP/in.txt"; then
    cp "$TMP/out" "$TMP/red.vault"
    grep -qE "<EMAIL_ADDRESS#vlt_[A-Za-z0-9]{10}>" "$TMP/red.vault" || fail "vault: no token in output"
    "$BIN" redact --operator vault --vault "$TMP/v.db" "$TMP/in.txt" 2>/dev/null | cmp -s - "$TMP/red.vault" ||
        fail "vault: the same values got new tokens"
    if expect_rc 0 "text vault unredact" -- "$BIN" unredact --vault "$TMP/v.db" "$TMP/red.vault"; then
        cmp -s "$TMP/out" "$TMP/in.txt" || fail "text vault round trip differs"
    fi
    # from standard input, to a file
    "$BIN" unredact --vault "$TMP/v.db" -o "$TMP/back.txt" - <"$TMP/red.vault" 2>/dev/null ||
        fail "unredact from stdin to -o failed"
    cmp -s "$TMP/back.txt" "$TMP/in.txt" || fail "unredact stdin -> -o differs"
    # wrong key: a clear error, nothing restored
    if expect_rc 2 "unredact with the wrong key" -- env PORTCULLIS_KEY="$KEY2" "$BIN" unredact \
        --vault "$TMP/v.db" "$TMP/red.vault"; then
        grep -q "key does not match" "$TMP/err" || fail "wrong key: unclear message: $(cat "$TMP/err")"
    fi
    # a token this vault never issued stays and is reported
    printf 'x <EMAIL_ADDRESS#vlt_ZZZZZZZZZZ> y\n' >"$TMP/unknown.txt"
    expect_rc 3 "unknown token" -- "$BIN" unredact --vault "$TMP/v.db" "$TMP/unknown.txt" &&
        { cmp -s "$TMP/out" "$TMP/unknown.txt" || fail "unknown token was altered"; }
fi

# two processes share one vault: new tokens are committed in batches (one per MiB of output,
# the output held until then), so each must wait for the other's batch and both must end up
# with the same token for the same value, each of which the vault resolves
/usr/bin/python3 -c "
for i in range(60000):
    print('row %d mail user%d@example.org card 4111 1111 1111 1111 ssn 536-22-%04d' % (i, i % 20000, i % 9000 + 1000))
" >"$TMP/many.txt"
# Two `redact --operator vault` on vault DB at once, over file IN, writing $TMP/NAME.1 and
# $TMP/NAME.2: both must succeed and give the same tokens.
two_writers() {
    local name=$1 db=$2 in=$3 p1 p2
    "$BIN" redact --operator vault --vault "$db" -o "$TMP/$name.1" "$in" 2>"$TMP/$name.1.err" &
    p1=$!
    "$BIN" redact --operator vault --vault "$db" -o "$TMP/$name.2" "$in" 2>"$TMP/$name.2.err" &
    p2=$!
    wait "$p1" || fail "$name: first writer failed: $(head -c 300 "$TMP/$name.1.err")"
    wait "$p2" || fail "$name: second writer failed: $(head -c 300 "$TMP/$name.2.err")"
    cmp -s "$TMP/$name.1" "$TMP/$name.2" || fail "$name: two writers gave different tokens"
}
two_writers many "$TMP/shared.db" "$TMP/many.txt"
[ "$(grep -c "vlt_" "$TMP/many.1")" -eq 60000 ] || fail "shared vault: tokens missing"
if expect_rc 0 "shared vault unredact" -- "$BIN" unredact --vault "$TMP/shared.db" "$TMP/many.1"; then
    cmp -s "$TMP/out" "$TMP/many.txt" || fail "shared vault round trip differs"
fi
# two processes creating one new vault at the same moment both open it: setting it up (WAL,
# tables), each may hold what the other needs, and SQLite then fails one at once instead of
# waiting (this failed about 13 times in 20 before the vault retried)
for i in 1 2 3 4 5 6 7 8 9 10; do
    rm -f "$TMP/race.db" "$TMP/race.db-wal" "$TMP/race.db-shm"
    two_writers "race$i" "$TMP/race.db" "$TMP/in.txt"
done

# a tampered vault row: unredact stops with an error naming the token's line and offset
printf 'line one\nmail ann@example.com and bob@example.com\n' >"$TMP/tamper.txt"
if expect_rc 0 "vault for tampering" -- "$BIN" redact --operator vault --vault "$TMP/tamper.db" "$TMP/tamper.txt"; then
    cp "$TMP/out" "$TMP/tamper.red"
    /usr/bin/python3 -c "
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute('UPDATE pcl_vault_tokens SET box = zeroblob(length(box)) WHERE rowid = (SELECT max(rowid) FROM pcl_vault_tokens)')
c.commit()" "$TMP/tamper.db"
    if expect_rc 4 "unredact from a tampered vault" -- "$BIN" unredact --vault "$TMP/tamper.db" "$TMP/tamper.red"; then
        grep -q "tamper.red: line 2 (offset 49): vault: .*failed authentication" "$TMP/err" ||
            fail "tampered vault: error not located: $(cat "$TMP/err")"
    fi
fi

# fpe without a vault: short values are an error by default, tag with --fpe-fallback tag
# (an IPv4 address keeps each octet's digit count: 10.1.2.3 has 90 * 10^3 possible values); the
# error names the file, line, column or field, and offset of the value
printf 'mail ab@c.io\n' >"$TMP/short.txt"
expect_rc 0 "fpe short value with tag fallback" -- "$BIN" redact --operator fpe --fpe-fallback tag "$TMP/short.txt"
printf 'first\nsecond\nhost 10.1.2.3 up\n' >"$TMP/shortip.txt"
if expect_rc 2 "fpe short value in text" -- "$BIN" redact --operator fpe "$TMP/shortip.txt"; then
    grep -q "shortip.txt: line 3 (offset 18): fpe: IP_ADDRESS value too short" "$TMP/err" ||
        fail "fpe text error not located: $(cat "$TMP/err")"
fi
printf 'name,ip\nx,8.8.8.8\ny,10.1.2.3\n' >"$TMP/shortip.csv"
if expect_rc 2 "fpe short value in csv" -- "$BIN" redact --operator fpe "$TMP/shortip.csv"; then
    grep -q 'shortip.csv: line 3, column 2 ("ip") (offset 20): fpe: ' "$TMP/err" ||
        fail "fpe csv error not located: $(cat "$TMP/err")"
fi
# JSONL past the first 1 MiB read: lines and offsets count from the start of the file
/usr/bin/python3 -c "
for i in range(40000):
    print('{\"id\": %d, \"note\": \"padding padding padding\"}' % i)
print('{\"host\": {\"ip\": \"10.1.2.3\"}}')
print('{\"broken\": }')
" >"$TMP/shortip.jsonl"
IPOFF=$(/usr/bin/python3 -c "import sys; d=open(sys.argv[1],'rb').read(); print(d.index(b'\"10.1.2.3'))" "$TMP/shortip.jsonl")
if expect_rc 2 "fpe short value in jsonl" -- "$BIN" redact --operator fpe "$TMP/shortip.jsonl"; then
    grep -q "shortip.jsonl: line 40001, field host.ip (offset $IPOFF): fpe: " "$TMP/err" ||
        fail "fpe jsonl error not located: $(cat "$TMP/err")"
fi
# a JSONL line that is not JSON is redacted as text, never passed through, and round-trips
printf '{"ok": "jane@example.com"}\n{"email": "bob@example.com", broken 4111 1111 1111 1111}\nplain carol@example.com line\n{"z": 1}\n' >"$TMP/badl.jsonl"
if expect_rc 3 "jsonl bad lines" -- "$BIN" redact --operator tag "$TMP/badl.jsonl"; then
    grep -q "example.com\|4111" "$TMP/out" && fail "jsonl bad line leaked: $(cat "$TMP/out")"
    grep -q '^plain <EMAIL_ADDRESS> line$' "$TMP/out" || fail "jsonl bad line not redacted as text"
    grep -q 'broken <CREDIT_CARD>}$' "$TMP/out" || fail "jsonl bad line's card not redacted"
    grep -q "badl.jsonl: line 3, column 1 (offset 84): " "$TMP/err" || fail "jsonl bad line warning: $(cat "$TMP/err")"
fi
if expect_rc 3 "jsonl bad lines to the vault" -- "$BIN" redact --key-file "$TMP/key.raw" --operator vault --vault "$TMP/badl.db" "$TMP/badl.jsonl"; then
    cp "$TMP/out" "$TMP/badl.red"
    expect_rc 3 "jsonl bad lines back from the vault" -- "$BIN" unredact --key-file "$TMP/key.raw" --vault "$TMP/badl.db" --input-format jsonl "$TMP/badl.red" &&
        { cmp -s "$TMP/out" "$TMP/badl.jsonl" || fail "jsonl bad lines: vault round trip differs"; }
fi
# a .json document that is not JSON is redacted as text (warned, exit 3), and restored
printf '{"a": "jane@example.com",\n "b": [1, 2,], "c": "4111 1111 1111 1111"}\n' >"$TMP/broken.json"
if expect_rc 3 "broken json document" -- "$BIN" redact --operator vault --vault "$TMP/broken.db" "$TMP/broken.json"; then
    cp "$TMP/out" "$TMP/broken.red"
    grep -q "example.com\|4111" "$TMP/broken.red" && fail "broken json leaked: $(cat "$TMP/broken.red")"
    grep -q "broken.json: line 2, column 13 (offset 38): .*redacted as text instead" "$TMP/err" ||
        fail "broken json warning: $(cat "$TMP/err")"
    expect_rc 3 "broken json restored" -- "$BIN" unredact --vault "$TMP/broken.db" "$TMP/broken.red" &&
        { cmp -s "$TMP/out" "$TMP/broken.json" || fail "broken json: round trip differs"; }
fi
if expect_rc 3 "jsonl bad line past the first read" -- "$BIN" redact --operator tag "$TMP/shortip.jsonl"; then
    grep -q "shortip.jsonl: line 40002, column 12 (offset " "$TMP/err" ||
        fail "jsonl warning not located: $(cat "$TMP/err")"
fi

# ---- gzip input ------------------------------------------------------------------------------
gzip -c "$TMP/in.txt" >"$TMP/in.txt.gz"
if expect_rc 0 "gzip text" -- "$BIN" redact --operator tag "$TMP/in.txt.gz"; then
    cmp -s "$TMP/out" "$TMP/red.tag" || fail "gzip input redacted differently"
fi

# ---- CSV ------------------------------------------------------------------------------------
cat >"$TMP/in.csv" <<'CSV'
name,email,note,card
Jane,jane.doe@example.com,"call (415) 555-2671, please",4111111111111111
"Bob ""B""",bob.smith@corp.example.org,plain,none
CSV
if expect_rc 0 "csv tag" -- "$BIN" redact --operator tag "$TMP/in.csv"; then
    want='name,email,note,card
Jane,<EMAIL_ADDRESS>,"call <PHONE_NUMBER>, please",<CREDIT_CARD>
"Bob ""B""",<EMAIL_ADDRESS>,plain,none'
    [ "$(cat "$TMP/out")" = "$want" ] || fail "csv tag output:
$(cat "$TMP/out")"
fi
for op in fpe vault; do
    if expect_rc 0 "csv $op" -- "$BIN" redact --operator "$op" --vault "$TMP/v.db" "$TMP/in.csv"; then
        cp "$TMP/out" "$TMP/red.csv"
        grep -q "jane.doe@example.com" "$TMP/red.csv" && fail "csv $op kept the e-mail"
        args=(--vault "$TMP/v.db")
        [ "$op" = fpe ] && args+=(--operator fpe)
        if expect_rc 0 "csv $op unredact" -- "$BIN" unredact "${args[@]}" "$TMP/red.csv"; then
            cmp -s "$TMP/out" "$TMP/in.csv" || fail "csv $op round trip differs: $(diff "$TMP/out" "$TMP/in.csv")"
        fi
    fi
done
printf 'a\tb\nx\tjane.doe@example.com\n' >"$TMP/in.tsv"
expect_rc 0 "tsv tag" -- "$BIN" redact --operator tag "$TMP/in.tsv" &&
    { [ "$(tail -1 "$TMP/out")" = "$(printf 'x\t<EMAIL_ADDRESS>')" ] || fail "tsv tag: $(cat "$TMP/out")"; }

# ---- JSONL and JSON ---------------------------------------------------------------------------
cat >"$TMP/in.jsonl" <<'JSONL'
{"user": "jane", "email": "jane.doe@example.com", "n": 4111111111111111, "msg": "SSN 536-22-1234"}
{"user":"bob","nested":{"a":["x","call (415) 555-2671"]},"ok":true}
JSONL
if expect_rc 0 "jsonl tag" -- "$BIN" redact --operator tag "$TMP/in.jsonl"; then
    want='{"user": "jane", "email": "<EMAIL_ADDRESS>", "n": 4111111111111111, "msg": "SSN <US_SSN>"}
{"user":"bob","nested":{"a":["x","call <PHONE_NUMBER>"]},"ok":true}'
    [ "$(cat "$TMP/out")" = "$want" ] || fail "jsonl tag output:
$(cat "$TMP/out")"
fi
for op in fpe vault; do
    if expect_rc 0 "jsonl $op" -- "$BIN" redact --operator "$op" --vault "$TMP/v.db" "$TMP/in.jsonl"; then
        cp "$TMP/out" "$TMP/red.jsonl"
        grep -q "536-22-1234" "$TMP/red.jsonl" && fail "jsonl $op kept the SSN"
        args=(--vault "$TMP/v.db")
        [ "$op" = fpe ] && args+=(--operator fpe)
        if expect_rc 0 "jsonl $op unredact" -- "$BIN" unredact "${args[@]}" "$TMP/red.jsonl"; then
            cmp -s "$TMP/out" "$TMP/in.jsonl" || fail "jsonl $op round trip differs: $(diff "$TMP/out" "$TMP/in.jsonl")"
        fi
    fi
done
printf '{"a":"jane.doe@example.com"}\n{"broken\n{"b":"ok"}\n' >"$TMP/bad.jsonl"
if expect_rc 3 "jsonl with a bad line" -- "$BIN" redact --operator tag "$TMP/bad.jsonl"; then
    [ "$(sed -n 2p "$TMP/out")" = '{"broken' ] || fail "bad JSONL line not copied as it was"
    grep -q "<EMAIL_ADDRESS>" "$TMP/out" || fail "jsonl with a bad line: good line not redacted"
fi
printf '{\n  "users": [ {"email": "jane.doe@example.com"} ],\n  "count": 1\n}\n' >"$TMP/in.json"
if expect_rc 0 "json tag" -- "$BIN" redact --operator tag "$TMP/in.json"; then
    [ "$(cat "$TMP/out")" = "$(printf '{\n  "users": [ {"email": "<EMAIL_ADDRESS>"} ],\n  "count": 1\n}')" ] ||
        fail "json tag output: $(cat "$TMP/out")"
fi

# ---- a larger streamed text round trip (several read chunks) ---------------------------------
for i in $(seq 1 20000); do
    printf 'row %d user%d@example.com card 4111 1111 1111 1111 call (415) 555-%04d\n' "$i" "$i" $((i % 10000))
done >"$TMP/big.txt"
if expect_rc 0 "big fpe" -- "$BIN" redact --operator fpe "$TMP/big.txt"; then
    mv "$TMP/out" "$TMP/big.fpe"
    grep -q "user1@example.com" "$TMP/big.fpe" && fail "big fpe kept an e-mail"
    if expect_rc 0 "big fpe unredact" -- "$BIN" unredact --operator fpe "$TMP/big.fpe"; then
        cmp -s "$TMP/out" "$TMP/big.txt" || fail "big fpe round trip differs"
    fi
fi

# vault tokens straddle read chunks too
if expect_rc 0 "big vault" -- "$BIN" redact --operator vault --vault "$TMP/big.db" "$TMP/big.txt"; then
    mv "$TMP/out" "$TMP/big.vault"
    if expect_rc 0 "big vault unredact" -- "$BIN" unredact --vault "$TMP/big.db" "$TMP/big.vault"; then
        cmp -s "$TMP/out" "$TMP/big.txt" || fail "big vault round trip differs"
    fi
fi

# a column or key name is context, as in scan: a bare 9-digit value under "ssn" is an SSN,
# and fpe of it round-trips because unredact sees the same context
printf 'name,ssn\nBob,536221234\n' > "$TMP/ssn.csv"
if expect_rc 0 "ssn column tag" -- "$BIN" redact "$TMP/ssn.csv"; then
    grep -q 'Bob,<US_SSN>' "$TMP/out" || fail "ssn column not redacted: $(cat "$TMP/out")"
fi
if expect_rc 0 "ssn column fpe" -- "$BIN" redact --operator fpe --fpe-fallback tag "$TMP/ssn.csv"; then
    mv "$TMP/out" "$TMP/ssn.fpe"
    grep -q '536221234' "$TMP/ssn.fpe" && fail "ssn column fpe left the value"
    if expect_rc 0 "ssn column unredact" -- "$BIN" unredact --operator fpe "$TMP/ssn.fpe"; then
        cmp -s "$TMP/out" "$TMP/ssn.csv" || fail "ssn column fpe round trip differs"
    fi
fi

# ---- a first line with digits is data, not a header (as in scan): its values name nothing ----
printf '1,ssn\n2,536221234\n' >"$TMP/nohdr.csv"
if expect_rc 0 "csv without header" -- "$BIN" redact --operator tag "$TMP/nohdr.csv"; then
    cmp -s "$TMP/out" "$TMP/nohdr.csv" || fail "a first data row named a column: $(cat "$TMP/out")"
fi
printf 'name,ssn\nBob,536221234\n' >"$TMP/hdr.csv"
if expect_rc 0 "csv with header" -- "$BIN" redact --operator tag "$TMP/hdr.csv"; then
    grep -q '^Bob,<US_SSN>$' "$TMP/out" || fail "header not context: $(cat "$TMP/out")"
fi

# ---- many cells: redacted 64 KiB at a time, each in place, with its own column as context ----
/usr/bin/python3 -c "
import json
with open('$TMP/many.csv', 'w') as c, open('$TMP/many.jsonl', 'w') as j, \
     open('$TMP/many.csv.want', 'w') as cw, open('$TMP/many.jsonl.want', 'w') as jw:
    c.write('note,ssn,id,email\n'); cw.write('note,ssn,id,email\n')
    for i in range(6000):
        ssn = '536221234' if i % 50 == 0 else 'n/a'
        c.write('\"said \"\"x\"\" %d\",%s,536221234,u%d@example.com\n' % (i, ssn, i))
        cw.write('\"said \"\"x\"\" %d\",%s,536221234,<EMAIL_ADDRESS>\n'
                 % (i, '<US_SSN>' if ssn != 'n/a' else ssn))
        if i % 500 == 1:
            j.write('not json u%d@example.com\n' % i); jw.write('not json <EMAIL_ADDRESS>\n')
            continue
        rec = {'n': i, 'ssn': ssn, 'id': '536221234', 'email': 'u%d@example.com' % i}
        j.write(json.dumps(rec) + '\n')
        rec['email'] = '<EMAIL_ADDRESS>'
        rec['ssn'] = '<US_SSN>' if ssn != 'n/a' else ssn
        jw.write(json.dumps(rec) + '\n')
"
for f in many.csv many.jsonl; do
    want_rc=0
    [ "$f" = many.jsonl ] && want_rc=3 # its plain lines are warned about (and redacted as text)
    if expect_rc "$want_rc" "$f tag" -- "$BIN" redact --operator tag "$TMP/$f"; then
        cmp -s "$TMP/out" "$TMP/$f.want" || fail "$f: $(diff "$TMP/out" "$TMP/$f.want" | head -5)"
    fi
done

# ---- several threads: the same bytes, messages and tokens as one thread -----------------------
# Text and JSONL are cut into 4 MiB parts (PART_BYTES): values are planted across every part
# boundary (a multi-line private key, an e-mail, a card, a secret whose context word stands in
# the part before), so a part must see its neighbours' bytes to judge them as one thread does.
/usr/bin/python3 - "$TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
PART = 4 << 20
pem = ('-----BEGIN RSA PRIVATE KEY-----\n' +
       ''.join('MIIEowIBAAKCAQEAx%02dQ3vZ8mKpL2nR7sT1uW4yX6zB9cD0eF5gH2iJ3kL8mN0pQ1r\n' % i
               for i in range(20)) + '-----END RSA PRIVATE KEY-----\n')
items = [  # (text, offset of its start relative to a boundary)
    (pem, -700),
    ('mail jane.doe@example.com now\n', -12),
    ('card 4111 1111 1111 1111 ok\n', -14),
    ('aws_secret_access_key = pjoSU/n41AEs3sahuhqXX/lhgoDV7IkIDKA0IFWr\n', -26),
    ('call (415) 555-2671 today\n', -8),
]
fill = 'order 20931 shipped 2026-11-28 12:00:01 version 3.2.1 total 129.99 ref %d\n'
out, n, i = [], 0, 0
for b in range(1, 6):
    text, rel = items[(b - 1) % len(items)]
    while n < b * PART + rel - 200:
        line = fill % i
        i += 1
        if i % 400 == 0:
            line = 'user%d@example.org wrote from 172.%d.120.213\n' % (i, i % 90 + 10)
        out.append(line)
        n += len(line)
    pad = b * PART + rel - n
    out.append('x' * (pad - 1) + '\n')
    out.append(text)
    n += pad + len(text)
out.append('tail line without newline, ssn 536-22-1234')
open(tmp + '/par.txt', 'w').write(''.join(out))
with open(tmp + '/par.jsonl', 'w') as f:
    for k in range(150000):
        if k % 20000 == 7:
            f.write('not json mail%d@example.com\n' % k)
        else:
            f.write(json.dumps({'n': k, 'mail': 'u%d@example.com' % k if k % 50 == 0 else 'none',
                                'card': '4111 1111 1111 1111' if k % 777 == 0 else '',
                                'pad': 'padding ' * 3}) + '\n')
PY
for f in par.txt par.jsonl; do
    for opargs in "--operator tag" \
                  "--operator fpe --fpe-fallback tag" "--operator vault --vault $TMP/par-$f.db"; do
        "$BIN" redact --threads 1 --stats $opargs -o "$TMP/par.1" "$TMP/$f" 2>"$TMP/par.1.err"
        rc1=$?
        for j in 2 3; do
            "$BIN" redact --threads "$j" --stats $opargs -o "$TMP/par.$j" "$TMP/$f" 2>"$TMP/par.$j.err"
            rc=$?
            [ "$rc" -eq "$rc1" ] || fail "$f $opargs: exit $rc with $j threads, $rc1 with one"
            cmp -s "$TMP/par.1" "$TMP/par.$j" ||
                fail "$f $opargs: output with $j threads differs: $(cmp "$TMP/par.1" "$TMP/par.$j")"
            cmp -s "$TMP/par.1.err" "$TMP/par.$j.err" ||
                fail "$f $opargs: messages with $j threads differ: $(diff "$TMP/par.1.err" "$TMP/par.$j.err" | head -4)"
        done
    done
done
# what one thread finds across the boundaries, several do too: nothing planted survives
if expect_rc 0 "threads: text tag" -- "$BIN" redact --threads 2 "$TMP/par.txt"; then
    grep -q "jane.doe@example.com\|4111 1111\|pjoSU/n41\|555-2671\|536-22-1234\|MIIEowIBAAKCAQEAx" "$TMP/out" &&
        fail "threads: a value planted across a part boundary survived"
    [ "$(grep -c "<PRIVATE_KEY>" "$TMP/out")" -eq 1 ] || fail "threads: the private key is not one finding"
fi
# vault: tokens written by several threads resolve, and the round trip is exact
if expect_rc 0 "threads: vault" -- "$BIN" redact --threads 2 --operator vault --vault "$TMP/par2.db" "$TMP/par.txt"; then
    mv "$TMP/out" "$TMP/par.vault"
    expect_rc 0 "threads: vault unredact" -- "$BIN" unredact --vault "$TMP/par2.db" "$TMP/par.vault" &&
        { cmp -s "$TMP/out" "$TMP/par.txt" || fail "threads: vault round trip differs"; }
fi
# standard input and gzip are cut the same way
"$BIN" redact --threads 2 - <"$TMP/par.txt" >"$TMP/par.stdin" 2>/dev/null || fail "threads: stdin failed"
"$BIN" redact --threads 1 "$TMP/par.txt" >"$TMP/par.one" 2>/dev/null
cmp -s "$TMP/par.stdin" "$TMP/par.one" || fail "threads: stdin output differs from one thread"
gzip -c "$TMP/par.txt" >"$TMP/par.txt.gz"
"$BIN" redact --threads 2 "$TMP/par.txt.gz" >"$TMP/par.gz.out" 2>/dev/null || fail "threads: gzip failed"
cmp -s "$TMP/par.gz.out" "$TMP/par.one" || fail "threads: gzip output differs from one thread"
# an error in a later part names the same line and offset as with one thread
cp "$TMP/par.txt" "$TMP/parerr.txt"
printf '\nhost 10.1.2.3 up\n' >>"$TMP/parerr.txt"
WANT_LINE=$(($(wc -l <"$TMP/parerr.txt")))
WANT_OFF=$(/usr/bin/python3 -c "import sys; print(open(sys.argv[1],'rb').read().rindex(b'10.1.2.3'))" "$TMP/parerr.txt")
for j in 1 2; do
    if expect_rc 2 "threads $j: fpe error in a later part" -- "$BIN" redact --threads "$j" --operator fpe --op credential=tag "$TMP/parerr.txt"; then
        grep -q "parerr.txt: line $WANT_LINE (offset $WANT_OFF): fpe: IP_ADDRESS value too short" "$TMP/err" ||
            fail "threads $j: error not located: $(cat "$TMP/err")"
    fi
done
# CSV and TSV are cut between records (pcl_csv_cut_find()): quoted newlines, "\r\n" and "\r"
# line ends, a header whose names are every part's context; stray quotes in the first part,
# the middle and late in the file
# (from the last cut before it one reader takes over until a record start, then parts
# again); a quoted cell larger than the reader allows
# (the same error from every thread count); a TSV without a header
/usr/bin/python3 - "$TMP" <<'PY'
import sys
tmp = sys.argv[1]
def row(i, stray=False):
    note = '"line one\nline two %d, ""quoted"""' % i if i % 7 == 0 else 'plain note %d' % i
    if stray:
        note = 'bad"quote %d' % i
    card = '4111 1111 1111 1111' if i % 13 == 0 else 'n/a'
    end = '\r\n' if i % 3 == 0 else ('\r' if i % 11 == 0 else '\n')
    return 'user%d,u%d@example.com,%s,%s,536221234%s' % (i, i, note, card, end)
with open(tmp + '/par.csv', 'w', newline='') as f:
    f.write('name,email,note,card,ssn\n')
    for i in range(150000):
        f.write(row(i, stray=(i in (3, 60000, 120000))))
with open(tmp + '/parbig.csv', 'w', newline='') as f:
    f.write('name,note\n')
    for i in range(100000):
        f.write('u%d@example.com,x\n' % i)
    f.write('big,"' + 'y' * (17 << 20) + '"\n')
with open(tmp + '/par.tsv', 'w', newline='') as f:
    for i in range(150000):
        f.write('%d\tu%d@example.com\t4111 1111 1111 1111\n' % (i, i))
PY
for f in par.csv parbig.csv par.tsv; do
    rm -f "$TMP"/parc.*
    "$BIN" redact --threads 1 -o "$TMP/parc.1" "$TMP/$f" 2>"$TMP/parc.1.err"
    rc1=$?
    for j in 2 3; do
        "$BIN" redact --threads "$j" -o "$TMP/parc.$j" "$TMP/$f" 2>"$TMP/parc.$j.err"
        rc=$?
        [ "$rc" -eq "$rc1" ] || fail "$f: exit $rc with $j threads, $rc1 with one"
        # (a failed run leaves no -o file behind)
        if [ -e "$TMP/parc.1" ] || [ -e "$TMP/parc.$j" ]; then
            cmp -s "$TMP/parc.1" "$TMP/parc.$j" || fail "$f: output with $j threads differs: $(cmp "$TMP/parc.1" "$TMP/parc.$j" 2>&1)"
        fi
        cmp -s "$TMP/parc.1.err" "$TMP/parc.$j.err" ||
            fail "$f: messages with $j threads differ: $(diff "$TMP/parc.1.err" "$TMP/parc.$j.err" | head -4)"
    done
done
if expect_rc 3 "threads: csv with a stray quote" -- "$BIN" redact --threads 2 "$TMP/par.csv"; then
    grep -q "example.com\|4111 1111\|536221234" "$TMP/out" && fail "threads: csv value survived"
    grep -q "par.csv: line [0-9]* (offset [0-9]*): quote inside unquoted field" "$TMP/err" ||
        fail "threads: csv warning not located: $(cat "$TMP/err")"
fi
expect_rc 4 "threads: csv cell over the limit" -- "$BIN" redact --threads 2 "$TMP/parbig.csv" &&
    { grep -q "parbig.csv: line 100002" "$TMP/err" || fail "threads: csv cell limit not located: $(cat "$TMP/err")"; }
# a JSONL line longer than the reader takes (64 MiB): the lines before it are redacted and
# written, their warnings given, then the error, the same with any number of threads
/usr/bin/python3 -c "
import json, sys
with open(sys.argv[1], 'w') as f:
    for i in range(150000):
        f.write('not json u%d@example.com\n' % i if i % 40000 == 3 else json.dumps({'i': i, 'm': 'u%d@example.com' % i}) + '\n')
    f.write('{\"big\": \"' + 'x' * (65 << 20) + '\"}\n')
" "$TMP/long.jsonl"
for j in 1 2 3; do
    "$BIN" redact --threads "$j" "$TMP/long.jsonl" >"$TMP/long.$j" 2>"$TMP/long.$j.err"
    echo "$?" >>"$TMP/long.$j.err"
done
grep -q "long.jsonl: line 150001 is longer than 67108864 bytes" "$TMP/long.1.err" ||
    fail "long jsonl line: $(cat "$TMP/long.1.err")"
[ "$(grep -c "<EMAIL_ADDRESS>" "$TMP/long.1")" -eq 150000 ] || fail "long jsonl line: lines before it not written"
for j in 2 3; do
    cmp -s "$TMP/long.1" "$TMP/long.$j" && cmp -s "$TMP/long.1.err" "$TMP/long.$j.err" ||
        fail "long jsonl line: $j threads differ: $(diff "$TMP/long.1.err" "$TMP/long.$j.err" | head -4)"
done
rm -f "$TMP/long.jsonl"
expect_rc 2 "--threads 0" -- "$BIN" redact --threads 0 "$TMP/in.txt"
# unredact on several threads: the same bytes and messages as one, and exact round trips
# (text with vault tokens and fpe values across the part boundaries, CSV, JSONL)
for f in par.txt par.csv par.jsonl; do
    for opargs in "--operator vault --vault $TMP/unpar.db" "--operator fpe --fpe-fallback vault --vault $TMP/unpar.db"; do
        # (named like the input, so it is read as the same format)
        "$BIN" redact --threads 2 $opargs -o "$TMP/unpar.red.${f##*.}" "$TMP/$f" 2>/dev/null
        for j in 1 3; do
            "$BIN" unredact --threads "$j" --stats $opargs -o "$TMP/unpar.$j" "$TMP/unpar.red.${f##*.}" 2>"$TMP/unpar.$j.err"
            echo "$?" >>"$TMP/unpar.$j.err"
        done
        cmp -s "$TMP/unpar.1" "$TMP/unpar.3" && cmp -s "$TMP/unpar.1.err" "$TMP/unpar.3.err" ||
            fail "unredact $f $opargs: 3 threads differ from one: $(diff "$TMP/unpar.1.err" "$TMP/unpar.3.err" | head -4)"
        cmp -s "$TMP/unpar.3" "$TMP/$f" || fail "unredact $f $opargs: round trip differs: $(cmp "$TMP/unpar.3" "$TMP/$f" 2>&1)"
    done
done

if [ "$FAILS" -gt 0 ]; then
    echo "test_redact.sh: $FAILS failure(s)" >&2
    exit 1
fi
echo "test_redact.sh: all passed"
