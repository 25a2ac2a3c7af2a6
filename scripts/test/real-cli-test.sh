#!/usr/bin/env bash
# The delivery path with the real Databricks CLI: the deploy, destroy and preview workflows' steps,
# job by job and unchanged, in a scratch copy of the repository, against the Databricks emulator
# (github-oidc, each job as the service principal its workflow gives it). Between jobs the
# artifact is handed over as actions/upload-artifact does: without hidden files. Each scenario
# checks the emulator's resulting state (branches, endpoints, roles, databases, the project's
# permission list, who wrote what), and no job may make a request the emulator does not serve.
# Needs DATABRICKS_CLI (the CLI v1.12.1: on GitHub the release that scripts/install-databricks-cli.sh
# installs; locally one built from source, kept outside the repository) and a built tree
# (./mvnw install -DskipTests). Without DATABRICKS_CLI it says it skipped. Ends with "N passed, N failed".
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
if [[ -z "${DATABRICKS_CLI:-}" ]]; then
  echo "real-CLI test skipped: set DATABRICKS_CLI to the Databricks CLI v1.12.1 binary (docs/operations.md, \"The real-CLI test\")."
  exit 0
fi
[[ -x "$DATABRICKS_CLI" ]] || { echo "DATABRICKS_CLI=$DATABRICKS_CLI is not an executable" >&2; exit 1; }
"$DATABRICKS_CLI" --version | grep -qF 'v1.12.1' \
  || { echo "DATABRICKS_CLI is $("$DATABRICKS_CLI" --version), not v1.12.1" >&2; exit 1; }
emulator_jar="$repo/lakeforge-emulator/target/lakeforge-emulator-standalone.jar"
cli_jar="$repo/lakeforge-cli/target/lakeforge-cli.jar"
[[ -f "$emulator_jar" && -f "$cli_jar" ]] || { echo "build first: ./mvnw install -DskipTests" >&2; exit 1; }

scratch="$(mktemp -d)"
cleanup() {
  # Closing its standard input stops the emulator with its PostgreSQL and branch servers.
  exec 3>&- 2> /dev/null
  if [[ -n "${emulator_pid:-}" ]]; then
    for _ in $(seq 1 300); do kill -0 "$emulator_pid" 2> /dev/null || break; sleep 0.1; done
    kill "$emulator_pid" 2> /dev/null
    wait "$emulator_pid" 2> /dev/null
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) \
  | tar -xf - -C "$scratch/" --one-top-level=work
work="$scratch/work"
mkdir -p "$scratch/bin"
ln -s "$DATABRICKS_CLI" "$scratch/bin/databricks"

PLAN_SP=11111111-aaaa-4aaa-8aaa-000000000001
DEPLOY_SP=22222222-bbbb-4bbb-8bbb-000000000002
PREVIEW_SP=lakeforge-test-sp # the emulator's default identity, whose PostgreSQL role previews use
APP_SP=33333333-cccc-4ccc-8ccc-000000000003
mkfifo "$scratch/stdin"
java -jar "$emulator_jar" "$scratch/env" "--principal=$PLAN_SP" "--principal=$DEPLOY_SP" \
  < "$scratch/stdin" > "$scratch/emulator.log" 2>&1 &
emulator_pid=$!
exec 3> "$scratch/stdin"
for _ in $(seq 1 300); do [[ -f "$scratch/env" ]] && break; sleep 0.1; done
[[ -f "$scratch/env" ]] || { echo "the emulator did not start:" >&2; cat "$scratch/emulator.log" >&2; exit 1; }
host="$(sed -n 's/^DATABRICKS_HOST=//p' "$scratch/env")"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; sed 's/^/       /' "$scratch/out.txt" | tail -n "${FAIL_LINES:-15}"; }
check() { local name="$1"; shift; if "$@"; then ok "$name"; else fail "$name"; fi; }
summary_has() { grep -qF -- "$1" "$scratch/summary"; }
out_has() { grep -qF -- "$1" "$scratch/out.txt"; }
state() { curl -sf "$host/emulator/state"; }
st() { state | jq -e "$@" > /dev/null; }
control() { curl -sf -X "$1" "$host/emulator/$2" "${@:3}" > /dev/null; }
writes_by() { state | jq -r --arg who "$1" '[.writes[] | select(startswith($who + " "))] | length'; }
project() { echo ".projects[\"${PROJECT_NAME}\"]"; }
grants() { state | jq -c "[$(project).permissions[] | {p: (.service_principal_name // .group_name // .user_name), l: .permission_level}] | sort_by(.p)"; }

# The repository variables every job gets (docs/oidc-setup.md), and no secret.
export BUNDLE_VAR_deploy_principal="$DEPLOY_SP" BUNDLE_VAR_plan_principal="$PLAN_SP"
export BUNDLE_VAR_preview_principal="$PREVIEW_SP" BUNDLE_VAR_app_principal="$APP_SP"
export PROJECT_NAME=lakeforge-main CUSTOM_BRANCHES=""
unset ALLOW_DELETES FORCE_LOCK CONFIRM_PROJECT_NAME LAKEFORGE_ACTION DELETE_GUARD
artifacts="$scratch/artifacts"
delivery="$work/target/delivery"

# Copies a folder as upload-artifact + download-artifact do: regular files, hidden ones left out.
handover() { # from to
  rm -rf "$2"; mkdir -p "$2"
  (cd "$1" && find . -path '*/.*' -prune -o -type f -print0 | tar --null -T - -cf -) | tar -xf - -C "$2"
}

# One job: a fresh runner (HOME, summary), the job's identity, its steps; the artifact it needs
# downloaded into target/delivery first, the one it makes uploaded after.
job() { # client download-from upload-name steps...
  local client="$1" from="$2" upload="$3"; shift 3
  rm -rf "${scratch:?}/home" "$delivery" "$scratch/summary"; mkdir -p "$scratch/home"
  : > "$scratch/summary"
  if [[ -n "$from" ]]; then handover "$artifacts/${from%%:*}" "$delivery/${from#*:}"; fi
  local status=0
  (
    cd "$work" || exit 1
    # shellcheck disable=SC2046 # NAME=value lines without spaces
    export $(grep -E '^(DATABRICKS_HOST|ACTIONS_ID_TOKEN_REQUEST_URL|ACTIONS_ID_TOKEN_REQUEST_TOKEN|PGPORT)=' "$scratch/env")
    export PATH="$scratch/bin:$PATH" GITHUB_STEP_SUMMARY="$scratch/summary"
    export GITHUB_ENV="$scratch/home/github-env" DATABRICKS_AUTH_TYPE=github-oidc
    export DATABRICKS_TOKEN_AUDIENCE=emulator-audience DATABRICKS_CLIENT_ID="$client"
    if [[ -n "$client" ]]; then
      export HOME="$scratch/home" # a fresh runner: no CLI cache from an earlier job
    else
      # The token-less build job: no Databricks variable at all (and Maven keeps its own cache).
      unset DATABRICKS_HOST ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN DATABRICKS_CLIENT_ID
    fi
    for step in "$@"; do
      eval "$step" || exit 1
    done
  ) > "$scratch/out.txt" 2>&1 || status=$?
  # upload-artifact runs only after steps that passed.
  rm -rf "${artifacts:?}/${upload:-none}"
  if [[ -n "$upload" && $status -eq 0 && -d "$delivery" ]]; then
    local src="$delivery"
    [[ "$upload" == bundle ]] && src="$delivery/bundle"
    handover "$src" "$artifacts/$upload"
  fi
  if [[ "$(state | jq '.unexpected | length')" != 0 ]]; then
    echo "FAIL - the emulator got requests it does not serve: $(state | jq -c .unexpected)"
    failed=$((failed + 1))
    exit 1
  fi
  return "$status"
}
# The first generation runs the real build; later ones write the topology from a fixture (the
# generator is tested by the Maven build) through the same script, via its MVNW hook.
generate_job() { job "" "" bundle scripts/validate-inputs.sh scripts/generate.sh "scripts/bundle.sh stage"; }
fixture_generate_job() { # fixture
  FAKE_TOPOLOGY="$1" MVNW="$work/scripts/test/fake-mvnw" generate_job
}
plan_job() { job "$PLAN_SP" "bundle:bundle" plan scripts/whoami.sh "scripts/bundle.sh plan"; }
apply_job() { job "$DEPLOY_SP" "plan:" "" scripts/whoami.sh "scripts/bundle.sh apply"; }
destroy_plan_job() { job "$PLAN_SP" "" destroy-plan scripts/validate-inputs.sh scripts/whoami.sh "scripts/bundle.sh destroy-plan"; }
destroy_job() { job "$DEPLOY_SP" "destroy-plan:" "" scripts/whoami.sh "scripts/bundle.sh destroy"; }
preview_job() { # action
  job "$PREVIEW_SP" "" "" "PR_NUMBER=42 PR_ACTION=$1 PREVIEW_SOURCE=staging PREVIEW_TTL=7d \
    CUSTOM_BRANCHES=dev,staging,pre-prod LAKEFORGE_CLI=$cli_jar PGSSLMODE=disable \
    PREVIEW_MIGRATIONS=$scratch/migrations scripts/preview.sh"
}

# --- a principal variable left empty stops the token-less generate job ---
BUNDLE_VAR_app_principal="" generate_job; status=$?
check "an empty app principal stops the generate job" bash -c "test $status -ne 0 && grep -qF 'BUNDLE_VAR_app_principal is empty' '$scratch/out.txt'"
check "and nothing reached the workspace" test "$(state | jq '.writes | length')" -eq 0

# --- first deploy of the sample, generated by the real build ---
generate_job; status=$?
check "generate (the real build) succeeds" test "$status" -eq 0
check "the generated bundle is the committed one" cmp -s "$repo/resources/lakebase.yml" "$artifacts/bundle/resources/lakebase.yml"
cp "$artifacts/bundle/resources/lakebase.yml" "$scratch/topology.yml"
plan_job; status=$?
check "first plan succeeds" test "$status" -eq 0
check "first plan creates everything" summary_has 'Plan: 14 to add, 0 to change, 0 to delete, 0 unchanged'
check "the plan job's artifact holds no hidden file" bash -c "test -z \"\$(find '$delivery' -name '.*')\""
check "the plan principal changed nothing" test "$(writes_by "$PLAN_SP")" -eq 0
apply_job; status=$?
check "first apply succeeds (artifact without hidden files)" test "$status" -eq 0
check "the apply summary shows the deploy principal" summary_has "\`$DEPLOY_SP\`"
check "branches dev, staging, pre-prod exist" st "$(project).branches | has(\"dev\") and has(\"staging\") and has(\"pre-prod\")"
check "staging is protected, dev is not" st "$(project).branches.staging.protected and ($(project).branches.dev.protected | not)"
check "pre-prod expires and comes from staging" st "$(project).branches[\"pre-prod\"] | .expire_time != null and .source_branch == \"projects/lakeforge-main/branches/staging\""
check "dev has its primary and read-only endpoints" st "$(project).branches.dev.endpoints | keys == [\"primary\", \"readonly\"]"
check "the app role binds the app principal on every declared branch" \
  st "[$(project).branches[\"dev\",\"staging\",\"pre-prod\"].roles[\"lakeforge-app\"].postgres_role] == [\"$APP_SP\", \"$APP_SP\", \"$APP_SP\"]"
check "the orders database is owned by the app role" \
  st "$(project).branches.dev.databases.orders.role == \"projects/lakeforge-main/branches/dev/roles/lakeforge-app\""
expected_grants="$(jq -cn --arg d "$DEPLOY_SP" --arg p "$PLAN_SP" --arg v "$PREVIEW_SP" \
  '[{p: "lakeforge-users", l: "CAN_USE"}, {p: $d, l: "CAN_MANAGE"}, {p: $p, l: "CAN_USE"}, {p: $v, l: "CAN_MANAGE"}] | sort_by(.p)')"
check "the project's permissions are exactly the declared ones (plan principal CAN_USE)" test "$(grants)" = "$expected_grants"
check "the state lives in the deploy principal's home" \
  st ".workspace | index(\"/Workspace/Users/$DEPLOY_SP/.bundle/lakeforge/lakeforge-main/state/resources.json\")"

# --- a second deploy that changes nothing ---
generate_job
plan_job; status=$?
check "second plan passes and changes nothing" bash -c "test $status -eq 0 && grep -qF 'Plan: 0 to add, 0 to change, 0 to delete, 14 unchanged' '$scratch/summary'"
check "the plan names the CLI's self-grant instead of counting it" summary_has "the CLI adds the identity that planned (\`$PLAN_SP\`) as CAN_MANAGE"
writes_before="$(state | jq '[.writes[] | select(contains("/postgres/") or contains("/permissions/"))] | length')"
apply_job; status=$?
check "second apply succeeds" test "$status" -eq 0
check "the second apply changed no Lakebase resource and no permission" \
  test "$(state | jq '[.writes[] | select(contains("/postgres/") or contains("/permissions/"))] | length')" -eq "$writes_before"
check "the plan principal still holds only CAN_USE" test "$(grants)" = "$expected_grants"

# --- the workspace changed between approval and apply: the live plan differs ---
generate_job
plan_job
job "$DEPLOY_SP" "" "" "databricks postgres delete-endpoint projects/lakeforge-main/branches/dev/endpoints/readonly"
apply_job; status=$?
check "apply refuses when the workspace changed after the approval" bash -c "test $status -ne 0 && grep -qF 'the live plan differs from the approved plan' '$scratch/summary'"
check "the refusal shows what changed" summary_has '> resources.postgres_endpoints.endpoint_dev_readonly create'
plan_job && apply_job; status=$?
check "a new plan and apply restore it" bash -c "test $status -eq 0 && curl -sf '$host/emulator/state' | jq -e '$(project).branches.dev.endpoints | has(\"readonly\")' > /dev/null"

# --- a branch added ---
export CUSTOM_BRANCHES=feature-x
fixture_generate_job "$scratch/topology.yml"
plan_job; status=$?
check "a plan with an extra branch passes" test "$status" -eq 0
check "it creates the branch" summary_has '- `postgres_branches.branch_feature_x`'
apply_job; status=$?
check "the extra branch is deployed" bash -c "test $status -eq 0" && check "feature-x exists with a read-only endpoint" \
  st "$(project).branches[\"feature-x\"].endpoints | has(\"readonly\")"

# --- a branch omitted: the guard stops it, then allow_deletes lets it go ---
export CUSTOM_BRANCHES=""
fixture_generate_job "$scratch/topology.yml"
plan_job; status=$?
check "a plan that deletes a branch is refused" test "$status" -ne 0
check "the refusal names the branch" summary_has '`postgres_branches.branch_feature_x` would be deleted'
check "feature-x is still there" st "$(project).branches | has(\"feature-x\")"
allow="$(grep -o 'allow_deletes: `[^`]*`' "$scratch/summary" | tail -n 1 | sed 's/allow_deletes: `\(.*\)`/\1/')"
export ALLOW_DELETES="$allow"
plan_job; status=$?
check "allow_deletes naming the deletes lets the plan pass" test "$status" -eq 0
apply_job; status=$?
check "the allowed delete is applied" test "$status" -eq 0
check "feature-x is gone" st "$(project).branches | has(\"feature-x\") | not"
unset ALLOW_DELETES

# --- the app principal changed: every role would be recreated, owning the orders databases ---
BUNDLE_VAR_app_principal=44444444-dddd-4ddd-8ddd-000000000004 plan_job; status=$?
check "a plan that recreates the roles is refused" test "$status" -ne 0
check "the refusal says what the role takes with it" summary_has '`postgres_roles.role_dev__lakeforge_app` would be deleted or recreated: what the role owns'
check "the roles still bind the old principal" st "$(project).branches.dev.roles[\"lakeforge-app\"].postgres_role == \"$APP_SP\""

# --- ttl added to a branch: an update that deletes it later ---
sed '/branch_id: dev$/{n;s/no_expiry: true/ttl: 86400s/}' "$scratch/topology.yml" > "$scratch/ttl.yml"
fixture_generate_job "$scratch/ttl.yml"
plan_job; status=$?
check "a plan that makes dev expire is refused" test "$status" -ne 0
check "the refusal says it would expire" summary_has '`postgres_branches.branch_dev` would expire'
check "dev still never expires" st "$(project).branches.dev.expire_time == null"

# --- a stale deployment lock ---
fixture_generate_job "$scratch/topology.yml"
plan_job
printf '{"ID":"7c9e6679-7425-40de-944b-e07fc1f90ae7","AcquisitionTime":"2026-11-27T09:00:00.123456789Z","IsForced":false,"User":"someone@example.com"}' \
  | control PUT "workspace?path=/Workspace/Users/$DEPLOY_SP/.bundle/lakeforge/lakeforge-main/state/deploy.lock" --data-binary @-
apply_job; status=$?
check "apply fails on a held lock" test "$status" -ne 0
check "the CLI names the holder" out_has "deploy lock acquired by someone@example.com"
check "the summary points to the stale-lock runbook" summary_has "Stale deployment lock"
FORCE_LOCK=true apply_job; status=$?
check "force_lock takes over a stale lock" test "$status" -eq 0
check "the lock is released afterwards" st ".workspace | index(\"/Workspace/Users/$DEPLOY_SP/.bundle/lakeforge/lakeforge-main/state/deploy.lock\") | not"

# --- an apply killed midway: what it created is outside the state; adopt takes it over ---
export PROJECT_NAME=proj-k
fixture_generate_job "$scratch/topology.yml"
plan_job
control POST "operation-delay?seconds=60" # branch creates stay pending: the job is killed meanwhile
set -m
apply_job & killed=$!
set +m
for _ in $(seq 1 300); do st '.projects | has("proj-k")' && break; sleep 0.1; done
sleep 1
kill -KILL -- "-$killed" 2> /dev/null; wait "$killed" 2> /dev/null
control POST "operation-delay?seconds=0"
check "the killed apply left the project behind, outside the state" \
  bash -c "curl -sf '$host/emulator/state' | jq -e '.projects | has(\"proj-k\")' > /dev/null \
    && ! curl -sf '$host/emulator/state' | jq -e '.workspace | index(\"/Workspace/Users/$DEPLOY_SP/.bundle/lakeforge/proj-k/state/resources.json\")' > /dev/null"
plan_job; status=$?
check "the next plan stops at what already exists" bash -c "test $status -ne 0 && grep -qF '\`postgres_projects.lakebase_project\` (projects/proj-k) exists in the workspace but not in the bundle state' '$scratch/summary'"
adopt="$(grep -o 'adopt: `[^`]*`' "$scratch/summary" | head -n 1 | sed 's/adopt: `\(.*\)`/\1/')"
export ADOPT="$adopt"
plan_job; status=$?
check "with adopt naming them the plan passes" test "$status" -eq 0
FORCE_LOCK=true apply_job; status=$? # the killed job still holds the lock
check "the apply binds them and completes the deploy" test "$status" -eq 0
unset ADOPT
check "every declared branch of proj-k exists once" \
  st '.projects["proj-k"].branches | has("dev") and has("staging") and has("pre-prod")'
plan_job; status=$?
check "afterwards the plan has nothing to do" bash -c "test $status -eq 0 && grep -qF 'Plan: 0 to add, 0 to change, 0 to delete, 14 unchanged' '$scratch/summary'"
export PROJECT_NAME=lakeforge-main

# --- the preview workflow on the deployed staging branch ---
mkdir -p "$scratch/migrations"
cp "$repo"/sample-infra/src/main/resources/db/migration/V*.sql "$scratch/migrations/"
preview_job opened; status=$?
check "preview opened: the job succeeds" test "$status" -eq 0
check "preview: pr-42 is a copy of staging" st "$(project).branches[\"pr-42\"].source_branch == \"projects/lakeforge-main/branches/staging\""
check "preview: the migrations ran" summary_has '| Migrations | 1 applied'
preview_job synchronize; status=$?
check "preview synchronize: nothing to apply again" bash -c "test $status -eq 0 && grep -qF '| Migrations | 0 applied' '$scratch/summary'"
# A pull request's migration that tries to print the copied data into the public job log.
cat > "$scratch/migrations/V2__index_check.sql" <<'SQL'
insert into orders (item, quantity) values ('card 4111-1111-1111-1111 of ROW-SECRET-7f3a', 1);
do $$ begin raise exception 'index check: %', (select string_agg(item, ', ') from orders); end $$;
SQL
preview_job synchronize; status=$?
check "preview: a failing migration fails the job" test "$status" -ne 0
check "preview: it names the migration and the SQLSTATE" bash -c "grep -qF 'V2' '$scratch/out.txt' && grep -qF 'P0001' '$scratch/out.txt'"
check "preview: no copied row reaches the job log or summary" \
  bash -c "! grep -qF 'ROW-SECRET-7f3a' '$scratch/out.txt' '$scratch/summary'"
rm "$scratch/migrations/V2__index_check.sql"
preview_job closed; status=$?
check "preview closed: the branch is gone" bash -c "test $status -eq 0 && ! curl -sf '$host/emulator/state' | jq -e '$(project).branches | has(\"pr-42\")' > /dev/null"
check "preview left the declared branches alone" st "$(project).branches | has(\"staging\") and has(\"dev\")"

# --- destroy: refused while a branch is protected, or its protection cannot be read ---
export LAKEFORGE_ACTION=destroy CONFIRM_PROJECT_NAME=lakeforge-main
destroy_plan_job; status=$?
check "destroy refused while staging is protected" test "$status" -ne 0
check "the refusal names the protected branch" summary_has '`postgres_branches.branch_staging` is a protected branch'
check "and its prevent_destroy" summary_has '`postgres_branches.branch_staging` has lifecycle.prevent_destroy'
control POST "deny-read?path=projects/lakeforge-main/branches/dev"
destroy_plan_job; status=$?
control POST "allow-read?path=projects/lakeforge-main/branches/dev"
check "destroy refused when a branch cannot be read" bash -c "test $status -ne 0 && grep -qF '\`postgres_branches.branch_dev\`: the plan could not read the branch' '$scratch/summary'"
unset LAKEFORGE_ACTION CONFIRM_PROJECT_NAME

# --- unprotect staging (reviewed topology change), then destroy the project ---
sed -e '/^      is_protected: true$/d' -e '/^      lifecycle:$/d' -e '/^        prevent_destroy: true$/d' \
  "$scratch/topology.yml" > "$scratch/unprotected.yml"
fixture_generate_job "$scratch/unprotected.yml"
plan_job; status=$?
check "dropping protection is refused without allow_deletes" bash -c "test $status -ne 0 && grep -qF '\`postgres_branches.branch_staging\` would lose its protection' '$scratch/summary'"
export ALLOW_DELETES=postgres_branches.branch_staging
plan_job && apply_job; status=$?
unset ALLOW_DELETES
check "the allowed unprotect is applied" bash -c "test $status -eq 0 && curl -sf '$host/emulator/state' | jq -e '$(project).branches.staging.protected | not' > /dev/null"
cp "$scratch/unprotected.yml" "$work/resources/lakebase.yml" # main's topology after that pull request
export LAKEFORGE_ACTION=destroy CONFIRM_PROJECT_NAME=lakeforge-main
destroy_plan_job; status=$?
check "the destroy plan passes once nothing is protected" test "$status" -eq 0
check "it lists every resource" summary_has 'Plan: 0 to add, 0 to change, 14 to delete, 0 unchanged'
destroy_job; status=$?
check "destroy succeeds" test "$status" -eq 0
check "the project and its branches are gone" st '.projects | has("lakeforge-main") | not'
check "the bundle's folder is gone" st "[.workspace[] | select(startswith(\"/Workspace/Users/$DEPLOY_SP/.bundle/lakeforge/lakeforge-main\"))] | length == 0"
export PROJECT_NAME=proj-zzz CONFIRM_PROJECT_NAME=proj-zzz
destroy_plan_job; status=$?
check "destroy of a project with nothing deployed is refused" bash -c "test $status -ne 0 && grep -qF 'Nothing is deployed under project_name \`proj-zzz\`' '$scratch/summary'"
unset LAKEFORGE_ACTION CONFIRM_PROJECT_NAME

check "the plan principal never changed anything" test "$(writes_by "$PLAN_SP")" -eq 0
check "no job log or summary holds a token" bash -c "! grep -rqE 'emu-(access|pg)-' '$scratch/out.txt' '$scratch/summary'"
echo "${passed} passed, ${failed} failed"
[[ "$failed" -eq 0 ]]
