/* SPDX-License-Identifier: Apache-2.0 */
/* Validators for the secrets detector table: token checksums, structure checks and the
 * placeholder filters that keep example values and templates quiet. */
#ifndef PCL_DETECT_VALIDATE_SECRETS_H
#define PCL_DETECT_VALIDATE_SECRETS_H

#include "validate.h"

/* Checksum shared by GitHub classic tokens and Portcullis API keys: check[0..6) must be the
 * base62 (0-9A-Za-z) encoding, left-padded with '0', of the zlib CRC-32 of body[0..n). */
bool pcl_validate_crc32_base62(const char *body, size_t n, const char *check);

/* Heuristic "looks like a generated token": at least 8 bytes, no run of 5 identical bytes
 * (xxxxx, 00000), entropy of at least 3 bits per byte (scaled down below 16 bytes), and none
 * of the placeholder words example, sample, dummy, placeholder, redacted, changeme, your_. */
bool pcl_validate_token_plausible(const char *s, size_t n);

/* True for values that are obviously templates or placeholders rather than secrets:
 * $VAR, ${VAR}, {{ var }}, %(var)s, <password>, [PASSWORD], {name}, ****, xxx, changeme,
 * the words password/passwd/secret/token, and values made of one repeated byte. */
bool pcl_validate_is_placeholder(const char *s, size_t n);

/* Row validators; each receives the finding (capture group 1 or the whole match). */
bool pcl_validate_aws_key_id(const char *s, size_t n);     /* AKIA...: rejects EXAMPLE keys */
bool pcl_validate_aws_secret(const char *s, size_t n);     /* 40 chars, mixed classes */
bool pcl_validate_github_token(const char *s, size_t n);   /* ghp_...: CRC-32 checksum */
bool pcl_validate_portcullis_key(const char *s, size_t n); /* pcl_[live_]...: CRC-32 */
bool pcl_validate_token(const char *s, size_t n);          /* prefixed token: plausible body */
bool pcl_validate_slack_webhook(const char *s, size_t n);  /* last segment plausible */
bool pcl_validate_google_api_key(const char *s, size_t n); /* AIza...: no alphabet runs */
bool pcl_validate_hf_token(const char *s, size_t n);       /* hf_...: mixed case letters */
bool pcl_validate_notion_token(const char *s, size_t n);   /* ntn_...: letters in body */
bool pcl_validate_azure_key(const char *s, size_t n);      /* base64 of 32 or 64 bytes */
bool pcl_validate_azure_sas_sig(const char *s, size_t n);  /* %-decoded base64 of 32 bytes */
bool pcl_validate_jwt(const char *s, size_t n);            /* header is JSON with "alg" */
bool pcl_validate_private_key(const char *s, size_t n);    /* PEM/PGP block with real body */
bool pcl_validate_url_password(const char *s, size_t n);   /* password part of a URL */
bool pcl_validate_generic_secret(const char *s, size_t n); /* keyword = value */
bool pcl_validate_http_auth(const char *s, size_t n);      /* Authorization header value */
bool pcl_validate_curl_user(const char *s, size_t n);      /* curl -u user:password */

#endif
