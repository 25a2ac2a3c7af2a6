#!/usr/bin/env bash
# Runs scripts/preview.sh as the preview job does (open, push, close of a pull request) against the
# Databricks emulator, with DATABRICKS_AUTH_TYPE=github-oidc: the real SDK inside the command-line
# jar fetches a GitHub ID token from the emulator's ID-token URL and exchanges it; no secret is set.
# Each branch is a copy of the source on its own loopback address. Needs a built tree
# (./mvnw verify, or -pl lakeforge-cli,lakeforge-emulator -am package). Ends with "N passed, N failed".
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
scratch="$(mktemp -d)"
emulator_pid=""
cleanup() {
  exec 3>&- 2> /dev/null
  if [[ -n "$emulator_pid" ]]; then
    wait "$emulator_pid" 2> /dev/null
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT

cli="$repo/lakeforge-cli/target/lakeforge-cli.jar"
emulator="$repo/lakeforge-emulator/target/lakeforge-emulator-standalone.jar"
[[ -f "$cli" && -f "$emulator" ]] || {
  echo "build first: ./mvnw -pl lakeforge-cli,lakeforge-emulator -am package -DskipTests" >&2
  exit 1
}

mkfifo "$scratch/stdin"
java -jar "$emulator" "$scratch/env" lakeforge-main staging:protected dev \
  < "$scratch/stdin" > "$scratch/emulator.log" 2>&1 &
emulator_pid=$!
exec 3> "$scratch/stdin"
for _ in $(seq 1 300); do
  [[ -f "$scratch/env" ]] && break
  sleep 0.1
done
[[ -f "$scratch/env" ]] || { echo "the emulator did not start:" >&2; cat "$scratch/emulator.log" >&2; exit 1; }

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; }
check() { local name="$1"; shift; if "$@"; then ok "$name"; else fail "$name"; fi; }
summary_has() { grep -qF -- "$1" "$scratch/summary"; }
out_has() { grep -qF -- "$1" "$scratch/out.txt"; }

# The preview job's environment: github-oidc, the emulator standing in for Databricks and GitHub.
job() {
  rm -f "$scratch/summary"
  # shellcheck disable=SC2046 # NAME=value lines without spaces, one word each
  env -i PATH="$PATH" HOME="$HOME" \
    $(grep -E '^(DATABRICKS_HOST|DATABRICKS_CLIENT_ID|ACTIONS_ID_TOKEN_REQUEST_URL|ACTIONS_ID_TOKEN_REQUEST_TOKEN|PGPORT)=' "$scratch/env") \
    DATABRICKS_AUTH_TYPE=github-oidc DATABRICKS_TOKEN_AUDIENCE=emulator-audience \
    PGSSLMODE=disable PREVIEW_MIGRATIONS="$scratch/migrations" \
    PROJECT_NAME=lakeforge-main PREVIEW_SOURCE=staging PREVIEW_TTL=7d \
    CUSTOM_BRANCHES=dev,staging,pre-prod LAKEFORGE_CLI="$cli" \
    GITHUB_STEP_SUMMARY="$scratch/summary" "$@" "$repo/scripts/preview.sh" \
    > "$scratch/out.txt" 2>&1
}
branches() {
  # shellcheck disable=SC2046 # NAME=value lines without spaces, one word each
  env -i PATH="$PATH" HOME="$HOME" \
    $(grep -E '^(DATABRICKS_HOST|DATABRICKS_CLIENT_ID|ACTIONS_ID_TOKEN_REQUEST_URL|ACTIONS_ID_TOKEN_REQUEST_TOKEN)=' "$scratch/env") \
    DATABRICKS_AUTH_TYPE=github-oidc \
    java -jar "$cli" branch list --project lakeforge-main --output json
}
has_branch() { branches | jq -e --arg b "$1" '.branches | any(.branch_id == $b)' > /dev/null; }
no_branch() { ! has_branch "$1"; }
ephemeral() { branches | jq -e --arg b "$1" '.branches | any(.branch_id == $b and .kind == "ephemeral")' > /dev/null; }
own_host() { grep -E '^\| Host \| `127\.0\.0\.[0-9]+` \|$' "$scratch/summary" | grep -vqF '127.0.0.1`'; }
no_credential() {
  local token
  token="$(grep -E '^ACTIONS_ID_TOKEN_REQUEST_TOKEN=' "$scratch/env" | cut -d= -f2-)"
  ! grep -qF -- "$token" "$scratch/out.txt" "$scratch/summary" \
    && ! grep -qE 'emu-(pg|access)-' "$scratch/out.txt" "$scratch/summary"
}

# The build job's part: only V<version>__<name>.sql regular files are handed over.
mkdir -p "$scratch/pr/sample-infra/src/main/resources/db/migration"
cp "$repo"/sample-infra/src/main/resources/db/migration/*.sql "$scratch/pr/sample-infra/src/main/resources/db/migration/"
ln -s /etc/passwd "$scratch/pr/sample-infra/src/main/resources/db/migration/V9__link.sql"
echo 'class X {}' > "$scratch/pr/sample-infra/src/main/resources/db/migration/V8__Code.java"
(cd "$scratch" && mkdir -p repo-copy && cp -r "$repo/scripts" repo-copy/ \
  && repo-copy/scripts/preview-migrations.sh "$scratch/pr" > "$scratch/collect.txt" 2>&1)
check "collect: the build job hands over only SQL migrations" \
  test "$(ls "$scratch/repo-copy/target/preview/migrations")" = "V1__orders.sql"
mv "$scratch/repo-copy/target/preview/migrations" "$scratch/migrations"

job PR_NUMBER=42 PR_ACTION=opened
check "opened: the job succeeds" test "$?" -eq 0
check "opened: the pull request's migration ran on the branch" summary_has '| Migrations | 1 applied, schema version 1 |'

check "opened: the summary names the branch and its source" summary_has '`projects/lakeforge-main/branches/pr-42` (from `staging`)'
check "opened: the endpoint host is the branch's own loopback address" own_host
check "opened: the summary has the expiry" summary_has '| Expires | '
check "opened: the branch exists as an ephemeral branch" ephemeral pr-42
first_expiry="$(grep -F '| Expires |' "$scratch/summary")"

sleep 1
job PR_NUMBER=42 PR_ACTION=synchronize
check "synchronize: the same branch is picked up" test "$?" -eq 0
check "synchronize: applied migrations are not run again" summary_has '| Migrations | 0 applied'

check "synchronize: the expiry moves on" test "$(grep -F '| Expires |' "$scratch/summary")" != "$first_expiry"

check "no credential in the job's output or summary" no_credential

job PR_NUMBER=42 PR_ACTION=closed
check "closed: the job succeeds" test "$?" -eq 0
check "closed: the summary says deleted" summary_has 'Deleted `projects/lakeforge-main/branches/pr-42`'
check "closed: the branch is gone" no_branch pr-42
job PR_NUMBER=42 PR_ACTION=closed
check "closed again: nothing to delete is fine" test "$?" -eq 0
check "declared branches are untouched" has_branch staging
check "the other declared branch too" has_branch dev

job PR_NUMBER='1;rm -rf /' PR_ACTION=opened
check "a malformed pull request number stops the job" test "$?" -eq 1
check "it says why" out_has 'is not a pull request number'
job PR_NUMBER=43 PR_ACTION=labeled
check "an unknown action stops the job" test "$?" -eq 1
job PR_NUMBER=43 PR_ACTION=opened PREVIEW_SOURCE=Staging
check "an invalid source branch id stops the job" test "$?" -eq 1
job PR_NUMBER=44 PR_ACTION=opened PREVIEW_SOURCE=missing
check "a source branch that does not exist fails the job" test "$?" -eq 1

echo "$passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
