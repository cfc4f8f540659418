#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end tests of `portcullis model scan`: the labelled malicious/benign corpus (100% caught,
# no benign file malicious), files written by Debian's python3-torch/numpy/joblib/h5py (never
# loaded), output formats, --strict and exit codes. Nothing here ever unpickles a file.
set -uo pipefail

BIN=${PCL_BIN:?PCL_BIN must point at the portcullis binary}
SRC=${PCL_SOURCE_DIR:?}
EVAL=${PCL_EVAL_DIR:-}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
pass=0

check() { # name, condition command...
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fails=$((fails + 1)); fi
}

py() { /usr/bin/python3 -c "$@"; }

# --- crafted files: exit codes per outcome
printf '\x80\x02]q\x00.' > "$T/clean.pkl"
printf 'cos\nsystem\n(S'"'"'id'"'"'\ntR.' > "$T/evil.bin"
printf '\x80\x02cmypkg\nNet\n)R.' > "$T/custom.pkl"
printf '7z\xbc\xaf\x27\x1c\x00\x04' > "$T/x.7z"
"$BIN" model scan "$T/clean.pkl" > "$T/out.txt"; rc=$?
check "clean exits 0" test "$rc" -eq 0
check "clean text" grep -q "clean.pkl: clean (pickle)" "$T/out.txt"
"$BIN" model scan "$T/evil.bin" > "$T/out.txt"; rc=$?
check "malicious exits 1" test "$rc" -eq 1
check "names the global" grep -q "os.system" "$T/out.txt"
"$BIN" model scan "$T/custom.pkl" > /dev/null; rc=$?
check "suspicious exits 0 without --strict" test "$rc" -eq 0
"$BIN" model scan --strict "$T/custom.pkl" > /dev/null; rc=$?
check "suspicious exits 1 with --strict" test "$rc" -eq 1
"$BIN" model scan "$T/x.7z" > /dev/null; rc=$?
check "7z exits 3 (unscannable)" test "$rc" -eq 3
# content that is no model format: unscannable when named like a pickle (torch.load or
# pickle.load would read it), clean (format unknown) otherwise
printf 'not a model at all\001\002' > "$T/junk.pt"
cp "$T/junk.pt" "$T/junk.bin"
"$BIN" model scan "$T/junk.pt" > "$T/junk.txt"; rc=$?
check "unrecognized .pt exits 3" test "$rc" -eq 3
check "unrecognized .pt says why" grep -q "junk.pt: unscannable (unknown)" "$T/junk.txt"
"$BIN" model scan --strict "$T/junk.bin" > "$T/junk.txt"; rc=$?
check "unrecognized .bin stays clean" test "$rc" -eq 0
"$BIN" model scan "$T/missing.pt" > /dev/null 2> "$T/err.txt"; rc=$?
check "missing file exits 3" test "$rc" -eq 3
check "missing file named" grep -q "missing.pt" "$T/err.txt"
"$BIN" model scan > /dev/null 2>&1; rc=$?
check "no path is usage" test "$rc" -eq 2
"$BIN" model scan --format yaml "$T/clean.pkl" > /dev/null 2>&1; rc=$?
check "bad format is usage" test "$rc" -eq 2

# --- JSON and SARIF over a directory (an HF-style repo folder)
mkdir -p "$T/repo/sub"
cp "$T/evil.bin" "$T/repo/pytorch_model.bin"
printf '{"model_type":"x","auto_map":{"AutoModel":"modeling_x.XModel"}}' > "$T/repo/config.json"
printf 'import os\n' > "$T/repo/modeling_x.py"
printf '# readme\n' > "$T/repo/README.md"
cp "$T/clean.pkl" "$T/repo/sub/ok.pkl"
"$BIN" model scan --format json "$T/repo" > "$T/r.json"; rc=$?
check "directory with a malicious file exits 1" test "$rc" -eq 1
check "json report" py "
import json
d=json.load(open('$T/r.json'))
by={f['path'].split('/repo/')[1]:f for f in d['files']}
assert by['pytorch_model.bin']['outcome']=='malicious', by
f=by['pytorch_model.bin']['findings'][0]
assert f['rule']=='pickle.dangerous-global' and f['global']=='os.system' and f['severity']=='critical', f
assert by['config.json']['outcome']=='suspicious' and by['config.json']['findings'][0]['rule']=='hf.auto-map'
assert by['modeling_x.py']['findings'][0]['rule']=='hf.custom-code'
assert by['README.md']['outcome']=='clean' and by['sub/ok.pkl']['outcome']=='clean'
assert d['summary']['files']==5 and d['summary']['malicious']==1, d['summary']
"
"$BIN" model scan --format sarif -o "$T/r.sarif" "$T/repo"; rc=$?
check "sarif to file exits 1" test "$rc" -eq 1
check "sarif report" py "
import json
d=json.load(open('$T/r.sarif'))
assert d['version']=='2.1.0'
res=d['runs'][0]['results']
ids={r['ruleId'] for r in res}
assert {'pickle.dangerous-global','hf.auto-map','hf.custom-code'} <= ids, ids
r=[r for r in res if r['ruleId']=='pickle.dangerous-global'][0]
assert r['level']=='error' and r['properties']['global']=='os.system'
assert r['locations'][0]['physicalLocation']['artifactLocation']['uri'].endswith('repo/pytorch_model.bin')
rules={x['id'] for x in d['runs'][0]['tool']['driver']['rules']}
assert ids <= rules, ids - rules
"

# --- files written by Debian's python3-torch / numpy / joblib / h5py (written, never loaded)
if py 'import torch, numpy, joblib, h5py' 2>/dev/null; then
    mkdir -p "$T/real"
    (cd "$T/real" && /usr/bin/python3 - <<'PY'
import collections, json
import h5py, joblib, numpy, torch
sd = collections.OrderedDict(w=torch.ones(3, 4), b=torch.zeros(4, dtype=torch.float16))
torch.save(sd, "sd_zip.pt")
torch.save(sd, "sd_legacy.pt", _use_new_zipfile_serialization=False)
torch.save(torch.nn.Sequential(torch.nn.Linear(2, 2)), "module.pt")
numpy.save("f32.npy", numpy.arange(10, dtype=numpy.float32))
numpy.save("obj.npy", numpy.array([1, "a", None], dtype=object), allow_pickle=True)
numpy.savez_compressed("arrs.npz", a=numpy.arange(5), b=numpy.eye(3))
numpy.savez_compressed("big.npz", a=numpy.zeros(5_000_000, dtype=numpy.float32))  # streamed
joblib.dump({"w": numpy.arange(100.0), "s": numpy.arange(7, dtype=numpy.int8)}, "plain.joblib")
for c in ("zlib", "gzip", "bz2", "xz"):
    joblib.dump(numpy.arange(1000.0), "c_%s.joblib" % c, compress=(c, 3))
with h5py.File("model.h5", "w") as f:
    f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": {"layers": [
        {"class_name": "Dense", "config": {"units": 1}}]}})
    f.create_dataset("w", data=numpy.ones((4, 4)))
with h5py.File("lambda.h5", "w") as f:
    f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": {"layers": [
        {"class_name": "Lambda", "config": {"function": ["eA==", None, None]}}]}})
PY
    )
    "$BIN" model scan --format json "$T/real" > "$T/real.json"; rc=$?
    check "real files: only lambda.h5 fails" test "$rc" -eq 1
    check "real files outcomes" py "
import json
d=json.load(open('$T/real.json'))
by={f['path'].rsplit('/',1)[1]:f for f in d['files']}
want={'sd_zip.pt':('clean','pytorch-zip'),'sd_legacy.pt':('clean','pytorch-legacy'),
      'module.pt':('suspicious','pytorch-zip'),'f32.npy':('clean','npy'),'obj.npy':('clean','npy'),
      'arrs.npz':('clean','npz'),'big.npz':('clean','npz'),'plain.joblib':('clean','pickle'),'model.h5':('clean','hdf5'),
      'lambda.h5':('malicious','hdf5')}
for c in ('zlib','gzip','bz2','xz'):
    want['c_%s.joblib'%c]=('clean',{'zlib':'zlib','gzip':'gzip','bz2':'bzip2','xz':'xz'}[c])
for k,(o,fmt) in want.items():
    assert (by[k]['outcome'],by[k]['format'])==(o,fmt), (k, by[k])
"
else
    echo "note: python3-torch/numpy/joblib/h5py not installed; real-file checks skipped"
fi

# --- Keras .h5 read through libhdf5: every way h5py can store the attribute, and bad files
if py 'import h5py, numpy' 2>/dev/null; then
    mkdir -p "$T/h5"
    (cd "$T/h5" && /usr/bin/python3 - <<'PY'
import json
import h5py, numpy
def lam(pad):
    return json.dumps({"class_name": "Sequential", "config": {"layers": [
        {"class_name": "Lambda", "config": {"function": ["eA==", None, None], "name": "x" * pad}}]}})
with h5py.File("fixed.h5", "w") as f:          # fixed-length ASCII bytes
    f.attrs["model_config"] = numpy.bytes_(lam(1))
with h5py.File("dense.h5", "w", libver="latest") as f:  # dense attribute storage, 200 KB value
    for i in range(40):
        f.attrs["a%02d" % i] = i
    f.attrs["model_config"] = lam(200000)
with h5py.File("training.h5", "w") as f:       # the training config is read too
    f.attrs["training_config"] = json.dumps({"loss": {"module": "builtins", "class_name": "function", "config": "eval"}})
with h5py.File("weights.h5", "w") as f:        # weights only: nothing to run
    f.create_dataset("w", data=numpy.ones((8, 8)))
with h5py.File("int.h5", "w") as f:
    f.attrs["model_config"] = 42
with h5py.File("notjson.h5", "w") as f:
    f.attrs["model_config"] = "{not json"
data = open("fixed.h5", "rb").read()
open("truncated.h5", "wb").write(data[:600])
open("garbage.h5", "wb").write(data[:8] + bytes(range(256)) * 16)
PY
    )
    "$BIN" model scan --format json "$T/h5" > "$T/h5.json"
    check "h5 via libhdf5: outcomes" py "
import json
d=json.load(open('$T/h5.json'))
by={f['path'].rsplit('/',1)[1]:f for f in d['files']}
want={'fixed.h5':'malicious','dense.h5':'malicious','training.h5':'malicious','weights.h5':'clean',
      'int.h5':'unscannable','notjson.h5':'unscannable','truncated.h5':'unscannable','garbage.h5':'unscannable'}
for k,o in want.items():
    assert by[k]['outcome']==o and by[k]['format']=='hdf5', (k, by[k])
msg={k:' '.join(x['message'] for x in by[k]['findings']) for k in by}
assert 'keras.lambda' in {x['rule'] for x in by['dense.h5']['findings']}
assert 'builtins.eval' in {x['global'] for x in by['training.h5']['findings']}, by['training.h5']
assert 'not a scalar string' in msg['int.h5'] and 'not JSON' in msg['notjson.h5'], msg
assert 'libhdf5' in msg['garbage.h5'], msg
"
    # libhdf5 is loaded on the first .h5 file: without it, .h5 files are unscannable (never
    # clean) and say why
    PCL_HDF5_LIBRARY=libnot-hdf5.so.0 "$BIN" model scan --format json "$T/h5/weights.h5" \
        "$T/h5/fixed.h5" > "$T/h5miss.json"
    rc=$?
    check "h5 without libhdf5: exit code" test "$rc" -eq 3
    check "h5 without libhdf5: unscannable" py "
import json
d=json.load(open('$T/h5miss.json'))
for f in d['files']:
    assert f['outcome']=='unscannable', f
    m=' '.join(x['message'] for x in f['findings'])
    assert 'libhdf5 cannot be loaded' in m and 'libnot-hdf5.so.0' in m, m
"
fi

# --- constant memory: a 300 MiB deflated pickle member (and a gzip-wrapped one) is inflated
# through a temporary file, so the scanner's peak RSS stays far below the member's size
py "
import gzip, zipfile
big = b'\x80\x04\x8e' + (300 << 20).to_bytes(8, 'little') + bytes(300 << 20) + b'0cos\nsystem\n(Vid\ntR.'
with zipfile.ZipFile('$T/big.pt', 'w', zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    z.writestr('archive/data.pkl', big)
with gzip.open('$T/big.pkl.gz', 'wb', compresslevel=1) as f:
    f.write(big)
"
for f in big.pt big.pkl.gz; do
    check "large $f: malicious global found in constant memory" py "
import resource, subprocess, json
p = subprocess.run(['$BIN', 'model', 'scan', '--format', 'json', '$T/$f'], capture_output=True)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
d = json.loads(p.stdout)['files'][0]
assert p.returncode == 1 and d['outcome'] == 'malicious', d
assert any(x['global'] == 'os.system' for x in d['findings']), d
assert rss < 150, 'peak RSS %d MiB for a 300 MiB member' % rss
"
done
rm -f "$T/big.pt" "$T/big.pkl.gz"

# --- the labelled corpus: every malicious file caught, no benign file malicious
if [ -n "$EVAL" ] && [ -d "$EVAL/models" ]; then
    /usr/bin/python3 "$SRC/bench/model_eval.py" "$BIN" "$EVAL/models" --check > "$T/eval.txt"; rc=$?
    check "eval corpus: 100% caught, 0 benign malicious" test "$rc" -eq 0
    tail -3 "$T/eval.txt"
else
    echo "note: PCL_EVAL_DIR/models absent; corpus check skipped"
fi

echo "model scan: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
