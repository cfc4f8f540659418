/* SPDX-License-Identifier: Apache-2.0 */
/* The built-in secrets detectors: provider tokens, private keys, credentials in URLs and
 * keyword-anchored generic secrets, all in category credential. */
#include "detector.h"
#include "validate_secrets.h"

/*
 * Notes for editors of this table (sorted by name):
 * - Every pattern goes into one Vectorscan database (HS_FLAG_PREFILTER) and is confirmed by
 *   PCRE2, so each one carries a distinctive literal (a token prefix or a keyword) where the
 *   format has one, explicit (?<!...)/(?!...) boundaries, and a max_len that bounds the
 *   whole match.
 * - Scores: provider formats with a fixed prefix score 0.9-0.99. Findings that include an
 *   e-mail-shaped host part (URL passwords, curl -u) score above the e-mail detector (0.9)
 *   so overlap resolution keeps the credential; a service-account client_email (0.97) beats
 *   the e-mail detector even with its context bonus (0.95). Weak shapes (40-char AWS secret without
 * an AWS word, Twilio SIDs, SAS signatures, service-account e-mails) need context.
 * - Example values: validators reject keys containing EXAMPLE, sample, dummy, runs like
 *   xxxxx and template syntax (${VAR}, {{ x }}, <password>) instead of scoring them low.
 */

#define B_ "(?<![A-Za-z0-9_-])" /* left boundary for tokens made of [A-Za-z0-9_-] */
#define E_ "(?![A-Za-z0-9_-])"  /* right boundary for the same */

static const char *const aws_ctx[] = {
    "aws", "aws_secret_access_key", "secret_access_key", "secretaccesskey", "amazon", "s3", "iam",
    NULL,
};
static const char *const twilio_ctx[] = {
    "twilio", "account_sid", "accountsid", "sid", "api_key", "apikey", "auth_token", NULL,
};
static const char *const sas_ctx[] = {
    "sv", "se", "sr", "sp", "spr", "srt", "skoid", "sas", "core.windows.net", NULL,
};
static const char *const gcp_email_ctx[] = {
    "client_email", "service_account", "private_key", "credentials", NULL,
};

/* A value after "key =", "key: ", "\"key\": \"", "key=>'" and similar. */
#define ASSIGN_ "\\\\?[\"']?[ \\t]{0,4}(?::=|=>|[:=]{1,2})[ \\t]{0,4}\\\\?[\"'`]?"

/* Literals every match contains (see pcl_detector.anchors), compared without case. */
static const char *const facebook_page_token_anchors[] = {"EAAM", "EAAC", NULL};
static const char *const intra42_client_secret_anchors[] = {"s-s4t2", NULL};
static const char *const sourcegraph_token_anchors[] = {"sgp_", NULL};
static const char *const facebook_ctx[] = {"facebook", NULL};
static const char *const sourcegraph_ctx[] = {"sourcegraph", NULL};
static const char *const anthropic_api_key_anchors[] = {"sk-ant-", NULL};
static const char *const aws_access_key_id_anchors[] = {"AKIA", "ASIA", "ABIA", "ACCA", "AGPA",
                                                        "AIDA", "AIPA", "ANPA", "ANVA", "AROA",
                                                        "APKA", "ASCA", "A3T",  NULL};
static const char *const azure_ad_client_secret_anchors[] = {"Q~", NULL};
static const char *const azure_storage_key_anchors[] = {"AccountKey", "SharedAccessKey", NULL};
static const char *const curl_user_password_anchors[] = {"curl", NULL};
static const char *const database_url_password_anchors[] = {"://", NULL};
static const char *const gcp_service_account_file_anchors[] = {"service_account", NULL};
static const char *const gcp_service_account_key_id_anchors[] = {"private_key_id", NULL};
/* every spelling of the pattern's names, so "/api/v1" or "auth-worker" triggers nothing */
static const char *const generic_secret_anchors[] = {
    "pass",     "pwd",        "secret",      "token",       "apikey",     "api_key",
    "api-key",  "accesskey",  "access_key",  "access-key",  "authkey",    "auth_key",
    "auth-key", "privatekey", "private_key", "private-key", "credential", NULL};
static const char *const github_fine_grained_pat_anchors[] = {"github_pat_", NULL};
static const char *const github_token_anchors[] = {"ghp_", "gho_", "ghu_", "ghs_", "ghr_", NULL};
static const char *const gitlab_token_anchors[] = {
    "glpat-", "gldt-",  "glrt-",   "glrtr-",  "glptt-",   "glcbt-", "glimt-",
    "glft-",  "gloas-", "glsoat-", "glffct-", "glagent-", "glwt-",  NULL};
static const char *const google_api_key_anchors[] = {"AIza", NULL};
static const char *const http_authorization_header_anchors[] = {"authorization", NULL};
static const char *const huggingface_token_anchors[] = {"hf_", "api_org_", NULL};
static const char *const jwt_anchors[] = {"eyJ", NULL};
static const char *const notion_token_anchors[] = {"ntn_", NULL};
static const char *const npm_token_anchors[] = {"npm_", NULL};
static const char *const onepassword_service_token_anchors[] = {"ops_eyJ", NULL};
static const char *const openai_api_key_anchors[] = {"sk-", NULL};
static const char *const pgp_private_key_anchors[] = {"-----BEGIN PGP PRIVATE KEY BLOCK-----",
                                                      NULL};
static const char *const portcullis_api_key_anchors[] = {"pcl_", NULL};
static const char *const private_key_anchors[] = {"PRIVATE KEY-----", NULL};
static const char *const pypi_token_anchors[] = {"pypi-AgE", NULL};
static const char *const sendgrid_api_key_anchors[] = {"SG.", NULL};
static const char *const slack_token_anchors[] = {"xox", "xapp-", NULL};
static const char *const slack_webhook_url_anchors[] = {"hooks.slack.com/", NULL};
static const char *const stripe_key_anchors[] = {"sk_live_", "sk_test_", "rk_live_", "rk_test_",
                                                 NULL};
static const char *const stripe_webhook_secret_anchors[] = {"whsec_", NULL};
static const char *const url_credentials_anchors[] = {"://", NULL};
static const char *const azure_sas_token_anchors[] = {"sig=", NULL};
static const char *const vault_token_anchors[] = {"hvs.", "hvb.", "hvr.", NULL};

const struct pcl_detector pcl_detectors_secrets[] = {
    {.name = "anthropic_api_key",
     .type = "ANTHROPIC_API_KEY",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = B_ "(sk-ant-(?:api|admin|oat|sid)[0-9]{2}-[A-Za-z0-9_-]{78,118}AA)" E_,
     .max_len = 140,
     .anchor_back = 1,
     .anchors = anthropic_api_key_anchors,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .score = 0.95,
     .description = "Anthropic API or admin key (sk-ant-api03-..., sk-ant-admin01-...)"},
    {.name = "aws_access_key_id",
     .type = "AWS_ACCESS_KEY_ID",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|"
                "ASCA|A3T[A-Z0-9])[A-Z2-7]{16})(?![A-Za-z0-9])",
     .max_len = 20,
     .anchor_back = 1,
     .anchors = aws_access_key_id_anchors,
     .validate = pcl_validate_aws_key_id,
     .validator = "token-shape",
     .score = 0.95,
     .description = "AWS access key id (AKIA/ASIA/... + 16 base32 characters)"},
    {.name = "aws_secret_access_key",
     .type = "AWS_SECRET_ACCESS_KEY",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern =
         "(?i:aws|secret)[A-Za-z0-9_.-]{0,30}" ASSIGN_ "([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
     .max_len = 100,
     .validate = pcl_validate_aws_secret,
     .validator = "aws-secret-shape",
     .context = aws_ctx,
     .score = 0.3,
     .context_score = 0.9,
     .flags = PCL_DET_NEEDS_CONTEXT,
     .description = "AWS secret access key (40 base64 characters after a secret/aws key name, "
                    "with an AWS word nearby)"},
    {.name = "azure_ad_client_secret",
     .type = "AZURE_CLIENT_SECRET",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?<![A-Za-z0-9_~.-])([A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})"
                "(?![A-Za-z0-9_~.-])",
     .max_len = 40,
     .anchor_back = 5,
     .anchors = azure_ad_client_secret_anchors,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .score = 0.9,
     .description = "Microsoft Entra ID (Azure AD) application client secret (xxx8Q~...)"},
    {.name = "azure_sas_token",
     .type = "AZURE_SAS_TOKEN",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?<![A-Za-z0-9_])sig=([A-Za-z0-9%+/]{40,100}={0,2})(?![A-Za-z0-9%+/=])",
     .max_len = 110,
     .anchor_back = 1,
     .anchors = azure_sas_token_anchors,
     .validate = pcl_validate_azure_sas_sig,
     .validator = "sas-signature",
     .context = sas_ctx,
     .score = 0.3,
     .context_score = 0.9,
     .flags = PCL_DET_NEEDS_CONTEXT,
     .description = "Azure shared access signature (sig= HMAC next to sv=/se=/sp= fields)"},
    {.name = "azure_storage_key",
     .type = "AZURE_STORAGE_KEY",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?<![A-Za-z0-9])(?i:AccountKey|SharedAccessKey)[ \\t]{0,2}=[ \\t]{0,2}"
                "([A-Za-z0-9+/]{86}==|[A-Za-z0-9+/]{43}=)(?![A-Za-z0-9+/=])",
     .max_len = 110,
     .anchor_back = 1,
     .anchors = azure_storage_key_anchors,
     .validate = pcl_validate_azure_key,
     .validator = "base64-key",
     .score = 0.95,
     .description = "Azure storage / service bus key in a connection string (AccountKey=...)"},
    {.name = "curl_user_password",
     .type = "HTTP_CREDENTIALS",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?<![A-Za-z0-9_-])curl(?![A-Za-z0-9_-])[^\\n]{0,400}?(?:\\n[^\\n]{0,400}?){0,6}?"
                "[ \\t](?:-u|--user)(?:=|[ \\t]{1,5})[\"']?"
                "((?:\"[^\"\\n]{1,128}\"|'[^'\\n]{1,128}'|[^\\s'\":]{0,128}):"
                "(?:\"[^\"\\n]{1,256}\"|'[^'\\n]{1,256}'|[^\\s'\"]{0,256}))",
     .max_len = 3300,
     .anchor_back = 1,
     .anchors = curl_user_password_anchors,
     .validate = pcl_validate_curl_user,
     .validator = "placeholder",
     .score = 0.92,
     .description = "user:password given to curl -u / --user"},
    {.name = "database_url_password",
     .type = "DATABASE_URL_PASSWORD",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?<![A-Za-z0-9+.-])(?i:postgres(?:ql)?|pgsql|mysql|mariadb|mongodb(?:\\+srv)?|"
                "rediss?|amqps?|mssql|sqlserver|oracle|cockroachdb|clickhouse|couchdb|"
                "neo4j(?:\\+s)?|bolt|cassandra|nats)(?:\\+[a-z0-9]{1,16})?://"
                "[^\\s:@/'\"<>]{0,128}:([^\\s/'\"<>]{1,256})@[A-Za-z0-9\\[]",
     .max_len = 440,
     .anchor_run = "A-Za-z0-9+.-",
     .anchor_back = 40,
     .anchors = database_url_password_anchors,
     .validate = pcl_validate_url_password,
     .validator = "placeholder",
     .score = 0.95,
     .description = "password in a database URL (postgres://user:PASSWORD@host, mongodb+srv, "
                    "redis, amqp, ...)"},
    {.name = "facebook_access_token",
     .type = "FACEBOOK_TOKEN",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?<![A-Za-z0-9])[0-9]{15,16}\\|[A-Za-z0-9_-]{27}(?![A-Za-z0-9_-])",
     .max_len = 46,
     .context = facebook_ctx,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .score = 0.3,
     .context_score = 0.9,
     .flags = PCL_DET_NEEDS_CONTEXT,
     .description = "Facebook app access token (app-id|secret; needs a facebook word)"},
    {.name = "facebook_page_token",
     .type = "FACEBOOK_TOKEN",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?<![A-Za-z0-9])(EAA[MC][A-Za-z0-9]{80,400})(?![A-Za-z0-9])",
     .max_len = 406,
     .anchor_back = 1,
     .anchors = facebook_page_token_anchors,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .score = 0.9,
     .description = "Facebook page/user access token (EAAM..., EAAC...)"},
    {.name = "gcp_service_account_email",
     .type = "GCP_SERVICE_ACCOUNT",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?<![A-Za-z0-9._%+-])([a-z0-9-]{6,30}@[a-z0-9-]{4,30}\\.iam\\."
                "gserviceaccount\\.com)(?![A-Za-z0-9-])",
     .max_len = 90,
     .context = gcp_email_ctx,
     .score = 0.3,
     .context_score = 0.97,
     .flags = PCL_DET_NEEDS_CONTEXT,
     .description = "GCP service-account client_email inside a key file"},
    {.name = "gcp_service_account_file",
     .type = "GCP_SERVICE_ACCOUNT",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "\\\\?\"type\\\\?\"[ \\t]{0,4}:[ \\t]{0,4}\\\\?\"service_account\\\\?\"",
     .max_len = 40,
     .anchor_back = 48,
     .anchors = gcp_service_account_file_anchors,
     .score = 0.6,
     .description = "marker of a GCP service-account key file (\"type\": \"service_account\")"},
    {.name = "gcp_service_account_key_id",
     .type = "GCP_SERVICE_ACCOUNT",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "\\\\?\"private_key_id\\\\?\"[ \\t]{0,4}:[ \\t]{0,4}\\\\?\"([a-f0-9]{40})\\\\?\"",
     .max_len = 70,
     .anchor_back = 8,
     .anchors = gcp_service_account_key_id_anchors,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .score = 0.9,
     .description = "private_key_id of a GCP service-account key file"},
    {.name = "generic_secret",
     .type = "GENERIC_SECRET",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?<!hashed_)(?<!hash_)(?i:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|"
                "access[_-]?key|auth[_-]?key|private[_-]?key|credentials?)"
                "[A-Za-z0-9_.-]{0,24}" ASSIGN_ "(?:!![A-Za-z]{1,16}[ \\t]{1,4})?"
                "([A-Za-z0-9!#%*+./:=?@^_~|$-]{8,200})(?![A-Za-z0-9!#%*+./:=?@^_~|$-])",
     .max_len = 280,
     .anchor_back = 1,
     .anchors = generic_secret_anchors,
     .validate = pcl_validate_generic_secret,
     .validator = "entropy",
     .score = 0.7,
     .description = "value assigned to a password/secret/token/api_key name, with an entropy "
                    "floor and placeholder filters"},
    {.name = "github_fine_grained_pat",
     .type = "GITHUB_TOKEN",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = B_ "(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})" E_,
     .max_len = 93,
     .anchor_back = 1,
     .anchors = github_fine_grained_pat_anchors,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .score = 0.95,
     .description = "GitHub fine-grained personal access token (github_pat_...)"},
    {.name = "github_token",
     .type = "GITHUB_TOKEN",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = B_ "(gh[pousr]_[A-Za-z0-9]{36})" E_,
     .max_len = 40,
     .anchor_back = 1,
     .anchors = github_token_anchors,
     .validate = pcl_validate_github_token,
     .validator = "crc32-base62",
     .score = 0.99,
     .description = "GitHub token (ghp_/gho_/ghu_/ghs_/ghr_) with a valid CRC-32 checksum"},
    {.name = "gitlab_token",
     .type = "GITLAB_TOKEN",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = B_ "(gl(?:pat|dt|rt|rtr|ptt|cbt|imt|ft|oas|soat|ffct|agent|wt)-"
                   "[A-Za-z0-9_-]{20,300}(?:\\.[0-9a-z]{2}\\.?[0-9a-z]{7})?)" E_,
     .max_len = 330,
     .anchor_back = 1,
     .anchors = gitlab_token_anchors,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .score = 0.95,
     .description = "GitLab token (glpat-, gldt-, glrt-, glptt-, glcbt-, ...)"},
    {.name = "google_api_key",
     .type = "GOOGLE_API_KEY",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = B_ "(AIza[0-9A-Za-z_-]{35})" E_,
     .max_len = 39,
     .anchor_back = 1,
     .anchors = google_api_key_anchors,
     .validate = pcl_validate_google_api_key,
     .validator = "token-shape",
     .score = 0.9,
     .description = "Google API key (AIza + 35 characters)"},
    {.name = "http_authorization_header",
     .type = "HTTP_CREDENTIALS",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?i:authorization)\\\\?[\"']?[ \\t]{0,4}[:=][ \\t]{0,4}\\\\?[\"']?"
                "(?:(?i:basic|bearer|token|api-token|apikey|api-key|sso-key|key|jwt)[ \\t]{1,4})?"
                "([A-Za-z0-9._~+/=:@!#%*^|-]{8,4096})(?![A-Za-z0-9._~+/=:@!#%*^|-])",
     .max_len = 4130,
     .anchor_back = 1,
     .anchors = http_authorization_header_anchors,
     .validate = pcl_validate_http_auth,
     .validator = "entropy",
     .score = 0.85,
     .description = "credential in an HTTP Authorization header (Basic, Bearer, Token, ...)"},
    {.name = "huggingface_token",
     .type = "HUGGINGFACE_TOKEN",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?<![A-Za-z0-9_])((?:hf_|api_org_)[A-Za-z]{34})(?![A-Za-z0-9_])",
     .max_len = 42,
     .anchor_back = 1,
     .anchors = huggingface_token_anchors,
     .validate = pcl_validate_hf_token,
     .validator = "token-shape",
     .score = 0.9,
     .description = "Hugging Face access token (hf_ + 34 letters) or organization token"},
    {.name = "intra42_client_secret",
     .type = "INTRA42_CLIENT_SECRET",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = B_ "(s-s4t2(?:ud|af)-[a-f0-9]{64})" E_,
     .max_len = 76,
     .anchor_back = 1,
     .anchors = intra42_client_secret_anchors,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .score = 0.95,
     .description = "42 Intra API client secret (s-s4t2ud-...)"},
    {.name = "jwt",
     .type = "JWT",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = B_ "(eyJ[A-Za-z0-9_-]{8,1000}\\.eyJ[A-Za-z0-9_-]{2,6000}\\."
                   "(?:[A-Za-z0-9_-]{16,1000})?)" E_,
     .max_len = 8012,
     .anchor_back = 1,
     .anchors = jwt_anchors,
     .validate = pcl_validate_jwt,
     .validator = "jwt-header",
     .score = 0.9,
     .description = "JSON Web Token whose header decodes to a JSON object with \"alg\""},
    {.name = "notion_token",
     .type = "NOTION_TOKEN",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = B_ "(ntn_[0-9]{11}[A-Za-z0-9]{35})" E_,
     .max_len = 50,
     .anchor_back = 1,
     .anchors = notion_token_anchors,
     .validate = pcl_validate_notion_token,
     .validator = "token-shape",
     .score = 0.9,
     .description = "Notion integration token (ntn_...)"},
    {.name = "npm_token",
     .type = "NPM_TOKEN",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = B_ "(npm_[A-Za-z0-9]{36})" E_,
     .max_len = 40,
     .anchor_back = 1,
     .anchors = npm_token_anchors,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .score = 0.95,
     .description = "npm access token (npm_ + 36 characters)"},
    {.name = "onepassword_service_token",
     .type = "ONEPASSWORD_TOKEN",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?<![A-Za-z0-9_])(ops_eyJ[A-Za-z0-9+/]{250,4000}={0,3})(?![A-Za-z0-9+/=])",
     .max_len = 4010,
     .anchor_back = 1,
     .anchors = onepassword_service_token_anchors,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .score = 0.95,
     .description = "1Password service-account token (ops_eyJ...)"},
    {.name = "openai_api_key",
     .type = "OPENAI_API_KEY",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = B_ "(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,250}|"
                   "sk-[A-Za-z0-9_-]{16,120}T3BlbkFJ[A-Za-z0-9_-]{16,120})" E_,
     .max_len = 260,
     .anchor_back = 1,
     .anchors = openai_api_key_anchors,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .score = 0.95,
     .description = "OpenAI API key (sk-proj-..., sk-... with the T3BlbkFJ marker)"},
    {.name = "pgp_private_key",
     .type = "PRIVATE_KEY",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "-----BEGIN PGP PRIVATE KEY BLOCK-----(?:.{16,16384}?-----END PGP PRIVATE "
                "KEY BLOCK-----|[A-Za-z0-9+/=\\r\\n\\\\]{63,16383}[A-Za-z0-9+/=])",
     .max_len = 16460,
     .anchor_back = 1,
     .anchors = pgp_private_key_anchors,
     .validate = pcl_validate_private_key,
     .validator = "key-body",
     .score = 0.99,
     .flags = PCL_DET_DOTALL,
     .description = "PGP private key block, also with newlines escaped as \\n"},
    {.name = "portcullis_api_key",
     .type = "PORTCULLIS_API_KEY",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?<![A-Za-z0-9_])(pcl_(?:live_)?[A-Za-z0-9]{38})(?![A-Za-z0-9_])",
     .max_len = 47,
     .anchor_back = 1,
     .anchors = portcullis_api_key_anchors,
     .validate = pcl_validate_portcullis_key,
     .validator = "crc32-base62",
     .score = 0.99,
     .description = "Portcullis gateway API key (pcl_[live_] + 32 base62 + CRC-32 checksum)"},
    {.name = "private_key",
     .type = "PRIVATE_KEY",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "-----BEGIN (?:RSA |EC |DSA |ENCRYPTED |OPENSSH |SSH2 ENCRYPTED |ANY )?PRIVATE "
                "KEY-----(?:.{16,8192}?-----END (?:RSA |EC |DSA |ENCRYPTED |OPENSSH |"
                "SSH2 ENCRYPTED |ANY )?PRIVATE KEY-----|"
                "[A-Za-z0-9+/=\\r\\n\\\\]{63,8191}[A-Za-z0-9+/=])",
     .max_len = 8300,
     .anchor_back = 48,
     .anchors = private_key_anchors,
     .validate = pcl_validate_private_key,
     .validator = "key-body",
     .score = 0.99,
     .flags = PCL_DET_DOTALL,
     .description = "PEM private key block (RSA, EC, DSA, PKCS#8, encrypted, OpenSSH), also "
                    "with newlines escaped as \\n"},
    {.name = "pypi_token",
     .type = "PYPI_TOKEN",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = B_ "(pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000})" E_,
     .max_len = 1030,
     .anchor_back = 1,
     .anchors = pypi_token_anchors,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .score = 0.95,
     .description = "PyPI upload token (pypi-AgEIcHlwaS5vcmc...)"},
    {.name = "sendgrid_api_key",
     .type = "SENDGRID_API_KEY",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = B_ "(SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43})" E_,
     .max_len = 69,
     .anchor_back = 1,
     .anchors = sendgrid_api_key_anchors,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .score = 0.95,
     .description = "SendGrid API key (SG.xxx.yyy)"},
    {.name = "slack_token",
     .type = "SLACK_TOKEN",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = B_ "(xoxb-[0-9]{8,14}-(?:[0-9]{8,14}-)?[A-Za-z0-9]{16,40}|"
                   "xoxp-[0-9]{8,14}-[0-9]{8,14}-[0-9]{8,14}-[A-Za-z0-9]{28,34}|"
                   "xox[aors]-[0-9]{1,14}-[0-9A-Za-z-]{15,249}[0-9A-Za-z]|"
                   "xoxe(?:\\.xox[bp])?-[0-9]-[A-Za-z0-9]{100,200}|"
                   "xapp-[0-9]-[A-Z0-9]{6,40}-[0-9]{6,20}-[a-z0-9]{32,100})" E_,
     .max_len = 270,
     .anchor_back = 1,
     .anchors = slack_token_anchors,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .score = 0.95,
     .description = "Slack token (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxe-, xapp-)"},
    {.name = "slack_webhook_url",
     .type = "SLACK_WEBHOOK_URL",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "((?:https?://)?hooks\\.slack\\.com/(?:services|workflows|triggers)/"
                "T[A-Z0-9]{6,12}/[AB][A-Z0-9]{6,12}/(?:[0-9]{10,20}/)?[A-Za-z0-9]{20,40})"
                "(?![A-Za-z0-9])",
     .max_len = 140,
     .anchor_back = 9,
     .anchors = slack_webhook_url_anchors,
     .validate = pcl_validate_slack_webhook,
     .validator = "token-shape",
     .score = 0.95,
     .description = "Slack incoming webhook or workflow URL (hooks.slack.com/services/T/B/...)"},
    {.name = "sourcegraph_token",
     .type = "SOURCEGRAPH_TOKEN",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = B_ "(sgp_(?:(?:[a-fA-F0-9]{16}|local)_)?[a-fA-F0-9]{40})" E_,
     .max_len = 66,
     .anchor_back = 1,
     .anchors = sourcegraph_token_anchors,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .score = 0.95,
     .description = "Sourcegraph access token (sgp_...)"},
    {.name = "sourcegraph_token_bare",
     .type = "SOURCEGRAPH_TOKEN",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?<![A-Za-z0-9])[a-fA-F0-9]{40}(?![A-Za-z0-9])",
     .max_len = 42,
     .context = sourcegraph_ctx,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .score = 0.3,
     .context_score = 0.85,
     .flags = PCL_DET_NEEDS_CONTEXT,
     .description = "Sourcegraph legacy token: 40 hex characters next to a sourcegraph word"},
    {.name = "stripe_key",
     .type = "STRIPE_KEY",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?<![A-Za-z0-9_])((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,247})(?![A-Za-z0-9_])",
     .max_len = 255,
     .anchor_back = 1,
     .anchors = stripe_key_anchors,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .score = 0.95,
     .description = "Stripe secret or restricted key (sk_live_, rk_live_, sk_test_, rk_test_)"},
    {.name = "stripe_webhook_secret",
     .type = "STRIPE_KEY",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?<![A-Za-z0-9_])(whsec_[A-Za-z0-9+/]{32,88}={0,2})(?![A-Za-z0-9+/=_])",
     .max_len = 96,
     .anchor_back = 1,
     .anchors = stripe_webhook_secret_anchors,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .score = 0.9,
     .description = "Stripe webhook signing secret (whsec_...)"},
    {.name = "twilio_key",
     .type = "TWILIO_KEY",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?<![A-Za-z0-9])((?:SK|AC)[0-9a-f]{32})(?![A-Za-z0-9])",
     .max_len = 34,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .context = twilio_ctx,
     .score = 0.3,
     .context_score = 0.85,
     .flags = PCL_DET_NEEDS_CONTEXT,
     .description = "Twilio API key SID (SK...) or account SID (AC...) near a Twilio word"},
    {.name = "url_credentials",
     .type = "URL_CREDENTIALS",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?<![A-Za-z0-9+.-])(?i:https?|ftps?|sftp|ssh|git|smtps?|imaps?|pop3s?|ldaps?|"
                "wss?|svn|webdav|socks[45]h?)://[^\\s:@/'\"<>]{1,128}:([^\\s/'\"<>]{1,256})@"
                "[A-Za-z0-9\\[]",
     .max_len = 410,
     .anchor_run = "A-Za-z0-9+.-",
     .anchor_back = 32,
     .anchors = url_credentials_anchors,
     .validate = pcl_validate_url_password,
     .validator = "placeholder",
     .score = 0.95,
     .description = "password in a URL's user info (https://user:PASSWORD@host)"},
    {.name = "vault_token",
     .type = "VAULT_TOKEN",
     .categories = PCL_CAT_CREDENTIAL,
     .pattern = "(?<![A-Za-z0-9_.-])(hv[sbr]\\.[A-Za-z0-9_-]{24,400})" E_,
     .max_len = 410,
     .anchor_back = 1,
     .anchors = vault_token_anchors,
     .validate = pcl_validate_token,
     .validator = "token-shape",
     .score = 0.9,
     .description = "HashiCorp Vault token (hvs., hvb., hvr.)"},
};
const size_t pcl_detectors_secrets_count = PCL_ARRAY_LEN(pcl_detectors_secrets);
