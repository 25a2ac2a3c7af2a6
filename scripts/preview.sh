#!/usr/bin/env bash
# The preview job of .github/workflows/preview.yml: a Lakebase branch per pull request.
#   opened / reopened / synchronize: create pr-<number> from PREVIEW_SOURCE (or pick it up if it
#     exists with that source) and set its expiry to PREVIEW_TTL from now; apply the pull request's
#     SQL migrations (PREVIEW_MIGRATIONS, collected by scripts/preview-migrations.sh) with Flyway
#     through LakebaseDataSource; write the branch, its endpoint host and expiry to the job summary
#   closed: delete pr-<number> (nothing to do if it is gone already)
# Runs only code from the default branch: the command-line jar built from the base commit
# (LAKEFORGE_CLI) and this script, checked out at the base commit. Authentication is the SDK's
# default chain: DATABRICKS_AUTH_TYPE=github-oidc with the preview service principal.
# Env: PR_NUMBER, PR_ACTION, PROJECT_NAME, PREVIEW_SOURCE (default staging), PREVIEW_TTL (default 7d),
#      CUSTOM_BRANCHES (declared branches besides production, never touched), LAKEFORGE_CLI, JAVA,
#      PREVIEW_MIGRATIONS (default target/preview/migrations; skipped when it holds no .sql file).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[[ "${PR_NUMBER:-}" =~ ^[1-9][0-9]{0,8}$ ]] || die "PR_NUMBER $(shown "${PR_NUMBER:-}") is not a pull request number."
check_id "project_name" "${PROJECT_NAME:-}"
source_branch="${PREVIEW_SOURCE:-staging}"
check_id "preview source branch" "$source_branch"
ttl="${PREVIEW_TTL:-7d}"
[[ "$ttl" =~ ^[1-9][0-9]*[smhd]$ ]] || die "PREVIEW_TTL $(shown "$ttl") is not a duration such as 7d, 12h or 30m."
cli="${LAKEFORGE_CLI:-$ROOT/target/preview/lakeforge-cli.jar}"
[[ -f "$cli" ]] || die "the command-line jar $(shown "$cli") is missing: the build job hands it over."
java_bin="${JAVA:-java}"
branch="pr-${PR_NUMBER}"
# The committed topology: the command line refuses its declared and protected branches.
topology=(--topology "$ROOT/resources/lakebase.yml")
[[ -s "$ROOT/resources/lakebase.yml" ]] || topology=()
lakeforge() { "$java_bin" -jar "$cli" branch "$@" --project "$PROJECT_NAME" "${topology[@]}" --output json; }

case "${PR_ACTION:-}" in
  opened|reopened|synchronize)
    lakeforge create --branch "$branch" --from "$source_branch" --ttl "$ttl" > /dev/null
    # A new push keeps the preview alive: the expiry moves to TTL from now.
    info="$(lakeforge extend --branch "$branch" --ttl "$ttl")"
    host="$(jq -er '.endpoints[0].host' <<< "$info")" || die "no endpoint host for $branch."
    endpoint="$(jq -er '.endpoints[0].path' <<< "$info")"
    expires="$(jq -er '.expire_time' <<< "$info")"
    path="$(jq -er '.branch' <<< "$info")"
    migrations="${PREVIEW_MIGRATIONS:-$ROOT/target/preview/migrations}"
    migrated="none in this pull request"
    if compgen -G "$migrations/*.sql" > /dev/null; then
      result="$(lakeforge migrate --branch "$branch" --migrations "$migrations")"
      migrated="$(jq -r '"\(.migrations_executed) applied, schema version \(.schema_version // "-")"' <<< "$result")"
    fi
    jq '{branch, source_branch, endpoints, expire_time}' <<< "$info"
    {
      printf '### Preview branch\n\n'
      printf '| | |\n|---|---|\n'
      printf '| Branch | `%s` (from `%s`) |\n' "$path" "$source_branch"
      printf '| Endpoint | `%s` |\n' "$endpoint"
      printf '| Host | `%s` |\n' "$host"
      printf '| Expires | %s |\n' "$expires"
      printf '| Migrations | %s |\n\n' "$migrated"
      printf 'Connect with a short-lived credential: `databricks postgres generate-database-credential %s`.\n' "$endpoint"
    } | summary
    ;;
  closed)
    lakeforge delete --branch "$branch"
    printf '### Preview branch\n\nDeleted `projects/%s/branches/%s` (or it was gone already).\n' \
      "$PROJECT_NAME" "$branch" | summary
    ;;
  *)
    die "PR_ACTION $(shown "${PR_ACTION:-}") is not opened, reopened, synchronize or closed."
    ;;
esac
