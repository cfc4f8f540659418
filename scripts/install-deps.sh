#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Install exactly the Debian packages Portcullis needs to build, test and benchmark.
# Idempotent: packages already present are skipped; apt-get runs only when something is missing.
set -euo pipefail

PKGS=(
    build-essential cmake pkg-config git
    libvectorscan-dev libpcre2-dev libjansson-dev libsodium-dev libssl-dev
    libsqlite3-dev libyaml-dev libicu-dev libzip-dev zlib1g-dev libisal-dev libbz2-dev liblzma-dev liblz4-dev
    libevent-dev libcmocka-dev libhdf5-dev
    clang clang-format libclang-rt-14-dev
    python3 ripgrep nodejs curl openssl
    nginx-light wrk
    golang-go golang-golang-x-mod-dev
    python3-numpy python3-joblib python3-torch python3-h5py
)

# npm ships inside the nodejs package on some machines (NodeSource) and as "npm" on plain
# Debian; install the Debian one only when no npm is on PATH.
if ! command -v npm >/dev/null 2>&1; then
    PKGS+=(npm)
fi

missing=()
for p in "${PKGS[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-deps: all ${#PKGS[@]} packages present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
