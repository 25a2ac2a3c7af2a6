#!/usr/bin/env bash
# Shows which Databricks identity this job's OIDC token maps to, and fails unless it is the
# service principal the job is configured for (a service principal's userName is its application
# id). Fails on any error of the call: an identity step that passes on a 401 proves nothing.
# Env: DATABRICKS_HOST, DATABRICKS_CLIENT_ID, DATABRICKS_TOKEN_AUDIENCE (all from repository variables).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
for name in DATABRICKS_HOST DATABRICKS_CLIENT_ID DATABRICKS_TOKEN_AUDIENCE; do
  [[ -n "${!name:-}" ]] || die "${name} is empty: set the repository variable (docs/oidc-setup.md)."
done
[[ "${DATABRICKS_AUTH_TYPE:-}" == github-oidc ]] || die "DATABRICKS_AUTH_TYPE must be github-oidc, not $(shown "${DATABRICKS_AUTH_TYPE:-}")."
me="$(databricks current-user me --output json)"
user="$(jq -er '.userName' <<< "$me")" || die "the identity call returned no userName."
if [[ "$user" != "$DATABRICKS_CLIENT_ID" ]]; then
  die "the token belongs to $(shown "$user"), not to the service principal ${DATABRICKS_CLIENT_ID}."
fi
jq '{userName, displayName}' <<< "$me"
printf '### Databricks identity\n\n`%s` (%s), token audience `%s`\n' \
  "$user" "$(jq -r '.displayName // ""' <<< "$me")" "$DATABRICKS_TOKEN_AUDIENCE" | summary
