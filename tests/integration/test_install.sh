#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make install` layout: install the build into a temporary prefix, then build a program
# against the installed headers and library through pkg-config (shared and static) and run it.
set -uo pipefail

BUILD=${PCL_BINARY_DIR:?}
if [ "${PCL_SANITIZE:-OFF}" = "ON" ]; then
    # an instrumented library needs the sanitizer runtime in every program linked to it
    echo "skipped: sanitizer build (the install layout is tested by the plain build)"
    exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
pass=0
check() {
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fails=$((fails + 1)); fi
}

cmake --install "$BUILD" --prefix "$T/prefix" > "$T/install.log" 2>&1
check "install" test -x "$T/prefix/bin/portcullis"
PC=$(find "$T/prefix" -name portcullis.pc | head -1)
check "pkg-config file" test -n "$PC"
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$PC")

cat > "$T/use.c" <<'C'
#include <portcullis/detect.h>
#include <stdio.h>

static int
cb(void *ctx, const struct pcl_finding *f)
{
    (void)ctx;
    printf("%llu-%llu\n", (unsigned long long)f->start, (unsigned long long)f->end);
    return 0;
}

int
main(void)
{
    struct pcl_engine *e = NULL;
    struct pcl_scratch *s = NULL;
    struct pcl_err err;

    if (pcl_engine_new(NULL, &e, &err) != PCL_OK || pcl_scratch_new(e, &s, &err) != PCL_OK ||
        pcl_engine_scan(e, s, "mail bob@example.com", 20, cb, NULL, &err) != PCL_OK) {
        return 1;
    }
    pcl_scratch_free(s);
    pcl_engine_free(e);
    return 0;
}
C
cc -o "$T/use" "$T/use.c" $(pkg-config --cflags --libs portcullis)
check "link shared" test -x "$T/use"
LIBDIR=$(pkg-config --variable=libdir portcullis)
check "run shared" bash -c "[ \"\$(LD_LIBRARY_PATH='$LIBDIR' '$T/use')\" = 5-20 ]"
cc -o "$T/use-static" "$T/use.c" $(pkg-config --cflags portcullis) "$LIBDIR/libportcullis.a" \
    $(pkg-config --libs --static portcullis | sed 's/-lportcullis//')
check "run static" bash -c "[ \"\$('$T/use-static')\" = 5-20 ]"
check "installed binary runs" "$T/prefix/bin/portcullis" --version

echo "$pass passed, $fails failed"
test "$fails" -eq 0
