// SPDX-License-Identifier: Apache-2.0
// Checks Portcullis audit artefacts with golang.org/x/mod/sumdb/note and sumdb/tlog: every
// checkpoint of an export bundle (signature and root recomputed from the entries), c2sp
// tlog-proof receipts, and consistency proofs printed by `portcullis audit consistency`.
//
// usage: interop VKEY_FILE BUNDLE [receipt:RECEIPT_FILE ...] [consistency:FILE ...]
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func die(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "interop: "+format+"\n", args...)
	os.Exit(1)
}

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

func openCheckpoint(msg []byte, v note.Verifier) checkpoint {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		die("note.Open: %v", err)
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 {
		die("checkpoint: too few lines")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		die("checkpoint size: %v", err)
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		die("checkpoint root: %v", err)
	}
	var h tlog.Hash
	copy(h[:], root)
	return checkpoint{lines[0], size, h}
}

func hashes(lines []string) []tlog.Hash {
	var out []tlog.Hash
	for _, l := range lines {
		b, err := base64.StdEncoding.DecodeString(l)
		if err != nil || len(b) != tlog.HashSize {
			die("proof hash %q", l)
		}
		var h tlog.Hash
		copy(h[:], b)
		out = append(out, h)
	}
	return out
}

func main() {
	if len(os.Args) < 3 {
		die("usage: interop VKEY_FILE BUNDLE [receipt:FILE] [consistency:FILE]")
	}
	vkey, err := os.ReadFile(os.Args[1])
	if err != nil {
		die("%v", err)
	}
	v, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if err != nil {
		die("note.NewVerifier: %v", err)
	}

	// the bundle: checkpoints and entries
	f, err := os.Open(os.Args[2])
	if err != nil {
		die("%v", err)
	}
	var entries [][]byte
	var notes [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var j map[string]interface{}
		if err := json.Unmarshal(sc.Bytes(), &j); err != nil {
			die("bundle: %v", err)
		}
		if c, ok := j["checkpoint"].(string); ok {
			notes = append(notes, []byte(c))
		} else if e, ok := j["entry"].(string); ok {
			b, err := base64.StdEncoding.DecodeString(e)
			if err != nil {
				die("bundle entry: %v", err)
			}
			entries = append(entries, b)
		}
	}
	f.Close()

	// the stored hashes of the whole tree, as x/mod's tlog lays them out
	var stored []tlog.Hash
	for i, e := range entries {
		hs, err := tlog.StoredHashes(int64(i), e, tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
			out := make([]tlog.Hash, len(idx))
			for k, x := range idx {
				out[k] = stored[x]
			}
			return out, nil
		}))
		if err != nil {
			die("StoredHashes: %v", err)
		}
		stored = append(stored, hs...)
	}
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for k, x := range idx {
			if x >= int64(len(stored)) {
				return nil, fmt.Errorf("no stored hash %d", x)
			}
			out[k] = stored[x]
		}
		return out, nil
	})
	for _, n := range notes {
		cp := openCheckpoint(n, v)
		var th tlog.Hash
		if cp.size == 0 {
			// x/mod 0.7.0 TreeHash(0) returns the zero hash, not SHA-256(""): the known
			// upstream bug; the RFC 6962 empty root is checked directly
			th = sha256.Sum256(nil)
		} else {
			th, err = tlog.TreeHash(cp.size, reader)
			if err != nil {
				die("TreeHash(%d): %v", cp.size, err)
			}
		}
		if th != cp.root {
			die("checkpoint %d: root %x, entries give %x", cp.size, cp.root, th)
		}
		// every entry in it has a record proof x/mod generates and Portcullis' root accepts
		for i := int64(0); i < cp.size; i += 1 + cp.size/7 {
			p, err := tlog.ProveRecord(cp.size, i, reader)
			if err != nil {
				die("ProveRecord: %v", err)
			}
			if err := tlog.CheckRecord(p, cp.size, cp.root, i, tlog.RecordHash(entries[i])); err != nil {
				die("CheckRecord(%d in %d): %v", i, cp.size, err)
			}
		}
	}
	fmt.Printf("ok: %d checkpoints (signatures and roots) over %d entries\n", len(notes), len(entries))

	for _, arg := range os.Args[3:] {
		kind, path, _ := strings.Cut(arg, ":")
		data, err := os.ReadFile(path)
		if err != nil {
			die("%v", err)
		}
		switch kind {
		case "receipt":
			// c2sp.org/tlog-proof@v1, [extra], index, hashes, blank line, checkpoint
			head, cpNote, ok := bytes.Cut(data, []byte("\n\n"))
			if !ok {
				die("%s: no blank line", path)
			}
			lines := strings.Split(string(head), "\n")
			if lines[0] != "c2sp.org/tlog-proof@v1" {
				die("%s: bad header", path)
			}
			lines = lines[1:]
			if strings.HasPrefix(lines[0], "extra ") {
				lines = lines[1:]
			}
			idx, err := strconv.ParseInt(strings.TrimPrefix(lines[0], "index "), 10, 64)
			if err != nil {
				die("%s: index: %v", path, err)
			}
			proof := tlog.RecordProof(hashes(lines[1:]))
			cp := openCheckpoint(cpNote, v)
			leaf := tlog.RecordHash(entries[idx])
			if err := tlog.CheckRecord(proof, cp.size, cp.root, idx, leaf); err != nil {
				die("%s: CheckRecord: %v", path, err)
			}
			if len(proof) > 0 {
				proof[0][0] ^= 1
				if tlog.CheckRecord(proof, cp.size, cp.root, idx, leaf) == nil {
					die("%s: a corrupted proof verified", path)
				}
			}
			fmt.Printf("ok: receipt for entry %d in tree %d\n", idx, cp.size)
		case "consistency":
			lines := strings.Split(strings.TrimSpace(string(data)), "\n")
			s1, _ := strconv.ParseInt(strings.TrimPrefix(lines[0], "size1 "), 10, 64)
			s2, _ := strconv.ParseInt(strings.TrimPrefix(lines[1], "size2 "), 10, 64)
			r := hashes([]string{strings.TrimPrefix(lines[2], "root1 "), strings.TrimPrefix(lines[3], "root2 ")})
			proof := tlog.TreeProof(hashes(lines[4:]))
			if err := tlog.CheckTree(proof, s2, r[1], s1, r[0]); err != nil {
				die("%s: CheckTree(%d, %d): %v", path, s1, s2, err)
			}
			// and x/mod's own proof for the same sizes is the same list
			own, err := tlog.ProveTree(s2, s1, reader)
			if err != nil {
				die("ProveTree: %v", err)
			}
			if fmt.Sprint(own) != fmt.Sprint(proof) {
				die("%s: x/mod proves %d->%d differently", path, s1, s2)
			}
			fmt.Printf("ok: consistency %d -> %d\n", s1, s2)
		default:
			die("unknown argument %q", arg)
		}
	}
}
