/* SPDX-License-Identifier: Apache-2.0 */
/* The master key record and per-operator subkey derivation, shared inside src/protect. */
#ifndef PCL_PROTECT_KEYS_H
#define PCL_PROTECT_KEYS_H

#include "common.h"

#include <portcullis/protect.h>

struct pcl_protect_key {
    uint8_t k[PCL_PROTECT_KEY_LEN];
};

/* Subkey ids for crypto_kdf_derive_from_key; never reuse or renumber one. */
enum pcl_subkey {
    PCL_SUBKEY_HASH = 1,        /* HMAC-SHA256 pseudonyms */
    PCL_SUBKEY_FPE = 2,         /* AES-256 key of FF1 */
    PCL_SUBKEY_VAULT_INDEX = 3, /* HMAC-SHA256 lookup index of the vault */
    PCL_SUBKEY_VAULT_BOX = 4,   /* XChaCha20-Poly1305 key of stored values */
    PCL_SUBKEY_VAULT_CHECK = 5, /* key check value stored in a vault */
};

/* out receives 32 bytes; the caller wipes them with sodium_memzero. */
void pcl_protect_key_derive(const struct pcl_protect_key *k, enum pcl_subkey id,
                            uint8_t out[PCL_PROTECT_KEY_LEN]);

#endif
