#!/usr/bin/env bash
# Runs the delivery scripts job by job, as the workflows do, in a scratch copy of the repository,
# against a stub `databricks` that keeps a bundle state and answers in the real CLI's formats.
# Ends with "N passed, N failed".
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# A copy of the repository's files (tracked, or new and not ignored) as they are in the work tree.
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) \
  | tar -xf - -C "$scratch"
mkdir -p "$scratch/stub-bin" "$scratch/stub-state"
cp "$here/databricks-stub" "$scratch/stub-bin/databricks"
export PATH="$scratch/stub-bin:$PATH"
export STUB_LOG="$scratch/stub.log" STUB_STATE="$scratch/stub-state"
export FAKE_TOPOLOGY="$scratch/topology-fixture.yml" MVNW="$scratch/scripts/test/fake-mvnw"
cp "$scratch/resources/lakebase.yml" "$FAKE_TOPOLOGY"
export DATABRICKS_AUTH_TYPE=github-oidc DATABRICKS_HOST=https://dbc-stub.cloud.databricks.com
export DATABRICKS_TOKEN_AUDIENCE=stub-account-id
PLAN_SP=11111111-aaaa-4aaa-8aaa-plan00000000 DEPLOY_SP=22222222-bbbb-4bbb-8bbb-deploy000000
export BUNDLE_VAR_deploy_principal="$DEPLOY_SP"
delivery="$scratch/target/delivery"
canary="$scratch/pwned"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; }
check() { local name="$1"; shift; if "$@"; then ok "$name"; else fail "$name"; fi; }
calls() { [[ -f "$STUB_LOG" ]] && cut -d'|' -f1 "$STUB_LOG" | sed "s#$delivery#D#g" | paste -sd';' - || echo ""; }
out_has() { grep -qF -- "$1" "$scratch/out.txt"; }
summary_has() { grep -qF -- "$1" "$scratch/gh/summary"; }
state_has() { jq -e --arg k "$2" '.resources | has($k)' "$STUB_STATE/$DEPLOY_SP/$1/resources.json" > /dev/null 2>&1; }

# Runs one job's steps in a fresh job environment, as the identity the workflow gives that job.
job() {
  local client="$1"; shift
  rm -rf "$scratch/gh" "$STUB_LOG"; mkdir -p "$scratch/gh"
  export GITHUB_ENV="$scratch/gh/env" GITHUB_STEP_SUMMARY="$scratch/gh/summary"
  : > "$GITHUB_ENV"; : > "$GITHUB_STEP_SUMMARY"
  (
    cd "$scratch" || exit 1
    export DATABRICKS_CLIENT_ID="$client"
    for step in "$@"; do
      eval "$step" || exit 1
    done
  ) > "$scratch/out.txt" 2>&1
}
generate_job() { job "" scripts/validate-inputs.sh scripts/generate.sh "scripts/bundle.sh stage"; }
plan_job() { job "$PLAN_SP" scripts/whoami.sh "scripts/bundle.sh plan"; }
apply_job() { job "$DEPLOY_SP" scripts/whoami.sh "scripts/bundle.sh apply"; }
destroy_plan_job() { job "$PLAN_SP" scripts/whoami.sh "scripts/bundle.sh destroy-plan"; }
destroy_job() { job "$DEPLOY_SP" scripts/whoami.sh "scripts/bundle.sh destroy"; }
text_plan() { (cd "$delivery/bundle" && BUNDLE_VAR_project_name="$PROJECT_NAME" databricks bundle plan 2>/dev/null | tail -n 1); }

unset CONFIRM_PROJECT_NAME LAKEFORGE_ACTION ALLOW_DELETES FORCE_LOCK DELETE_GUARD

# --- the stub speaks the real CLI's formats ---
export PROJECT_NAME=proj-a CUSTOM_BRANCHES=" feature-x ,feature-y"
generate_job; status=$?
check "generate succeeds" test "$status" -eq 0
check "generate makes no Databricks call" test ! -e "$STUB_LOG"
check "the extra branches are in the staged bundle" grep -q "branch_id: feature-y" "$delivery/bundle/resources/lakebase.yml"
check "the staged bundle has databricks.yml" cmp -s "$scratch/databricks.yml" "$delivery/bundle/databricks.yml"
check "the generate summary shows the topology diagram" summary_has "flowchart LR"
check "stub text plan ends like the real CLI's" bash -c "[[ '$(text_plan)' =~ ^Plan:\ [0-9]+\ to\ add,\ [0-9]+\ to\ change,\ [0-9]+\ to\ delete,\ [0-9]+\ unchanged$ ]]"

# --- plan job: read-only identity, JSON plan, readable summary, manifest ---
plan_job; status=$?
check "plan succeeds" test "$status" -eq 0
check "plan job calls identity, validate, plan -o json, nothing else" \
  test "$(calls)" = "current-user me --output json;bundle validate;bundle plan -o json"
check "plan job runs as the plan principal" bash -c "! grep -v 'client=$PLAN_SP|' '$STUB_LOG'"
check "every bundle call sees the project and the deploy principal's state" \
  bash -c "test \$(grep -c '^bundle .*|project=proj-a|principal=$DEPLOY_SP|' '$STUB_LOG') -eq 2"
check "every call sets the token audience" bash -c "! grep -v 'audience=stub-account-id$' '$STUB_LOG'"
check "the plan artifact holds the JSON plan" jq -e '.plan_version == 2' "$delivery/plan.json" > /dev/null
check "the summary's plan line equals the CLI's text plan line" summary_has "$(text_plan)"
check "the summary's plan line counts 17 creates" summary_has "Plan: 17 to add, 0 to change, 0 to delete, 0 unchanged"
check "the summary lists each created branch" summary_has '- `postgres_branches.branch_feature_y`'
check "the summary does not paste the raw plan" bash -c "! grep -q 'plan_version' '$scratch/gh/summary'"
check "the summary shows the identity" summary_has "\`$PLAN_SP\`"
check "a manifest covers the plan and the bundle" bash -c "grep -q ' plan.json$' '$delivery/SHA256SUMS' && grep -q ' bundle/resources/lakebase.yml$' '$delivery/SHA256SUMS'"
cp -r "$delivery" "$scratch/approved"

# --- apply job: applies exactly the approved plan ---
apply_job; status=$?
check "apply succeeds" test "$status" -eq 0
check "apply re-plans, then deploys the approved plan file" \
  test "$(calls)" = "current-user me --output json;bundle plan -o json;bundle deploy --plan D/plan.json --auto-approve"
check "apply runs as the deploy principal" bash -c "! grep -v 'client=$DEPLOY_SP|' '$STUB_LOG'"
check "the deploy created the extra branch" state_has proj-a postgres_branches.branch_feature_y
check "the deploy output has the CLI's resource summary" out_has "Resources: 17 created, 0 changed, 0 deleted, 0 unchanged"
plan_job
check "a plan after the deploy has nothing to do" summary_has "Plan: 0 to add, 0 to change, 0 to delete, 17 unchanged"

# --- the hand-off: apply refuses anything but the approved plan on the approved state ---
rm -rf "$delivery"; cp -r "$scratch/approved" "$delivery"
apply_job; status=$?
check "apply refuses a plan made before the state changed" test "$status" -ne 0
check "a stale plan reaches no deploy" bash -c "! grep -q '^bundle deploy' '$STUB_LOG'"
check "the refusal shows the difference" summary_has "the live plan differs from the approved plan"
plan_job
STUB_REMOTE_GONE=postgres_branches.branch_dev apply_job; status=$?
check "apply refuses when the workspace changed after the plan (same state)" \
  bash -c "test $status -ne 0 && ! grep -q '^bundle deploy' '$STUB_LOG' && grep -q '> resources.postgres_branches.branch_dev create' '$scratch/gh/summary'"
sed -i 's/no_expiry: true/ttl: 86400s/' "$delivery/bundle/resources/lakebase.yml"
apply_job; status=$?
check "apply refuses a bundle changed after the plan" test "$status" -ne 0
check "a changed bundle reaches no Databricks call" test "$(calls)" = "current-user me --output json"
plan_job
echo '{}' > "$delivery/bundle/resources/extra.yml"
apply_job; status=$?
check "apply refuses a file added after the plan" test "$status" -ne 0
rm -rf "$delivery"
apply_job; status=$?
check "apply without a plan artifact fails" test "$status" -ne 0

# --- the delete guard: a branch left out of the topology is not deleted silently ---
export CUSTOM_BRANCHES="feature-x"
generate_job
plan_job; status=$?
check "a plan that deletes a branch fails" test "$status" -ne 0
check "the refusal names the branch" summary_has '`postgres_branches.branch_feature_y` would be deleted'
check "the refusal says what to type" summary_has 'allow_deletes: `postgres_branches.branch_feature_y`'
check "the deleted branch is listed under Delete" summary_has '**Delete** (2)'
check "the refused plan reaches no deploy" bash -c "! grep -q '^bundle deploy' '$STUB_LOG'"
export ALLOW_DELETES="postgres_branches.branch_feature_x"
plan_job; status=$?
check "allow_deletes naming another key does not allow the delete" test "$status" -ne 0
check "allow_deletes naming a key the plan keeps is refused" summary_has 'allow_deletes names `postgres_branches.branch_feature_x`'
export ALLOW_DELETES=" postgres_branches.branch_feature_y "
plan_job; status=$?
check "allow_deletes naming the branch lets the plan pass" test "$status" -eq 0
export ALLOW_DELETES=""
apply_job; status=$?
check "apply re-checks the guard with its own allow_deletes" test "$status" -ne 0
check "apply without the allowance deploys nothing" bash -c "! grep -q 'bundle' '$STUB_LOG'"
export ALLOW_DELETES="postgres_branches.branch_feature_y"
apply_job; status=$?
check "the allowed delete is applied" bash -c "test $status -eq 0 && ! jq -e '.resources | has(\"postgres_branches.branch_feature_y\")' '$STUB_STATE/$DEPLOY_SP/proj-a/resources.json' >/dev/null"
unset ALLOW_DELETES

# --- the delete guard: a change that forces a recreate is a delete too ---
generate_job
sed -i '/branch_id: dev$/a\      source_branch: ${resources.postgres_branches.branch_staging.id}' "$delivery/bundle/resources/lakebase.yml"
plan_job; status=$?
check "a plan that recreates a branch fails" test "$status" -ne 0
check "the recreate is listed as losing data" summary_has '**Recreate (delete, then create: the data is lost)** (1)'
check "the recreate's plan line counts it as add and delete" summary_has "Plan: 1 to add, 0 to change, 1 to delete, 14 unchanged"
DELETE_GUARD=report plan_job; status=$?
check "the pull-request plan reports the delete without failing" bash -c "test $status -eq 0 && grep -q 'A deploy of this plan would stop' '$scratch/gh/summary'"

# --- plan-review.sh on hand-written plans in the CLI's JSON shape ---
review() { # mode json
  printf '%s' "$2" > "$scratch/review.json"
  (cd "$scratch" && PROJECT_NAME=proj-a scripts/plan-review.sh "$1" review.json) > "$scratch/out.txt" 2>&1
}
review deploy '{"plan_version": 2, "plan": {
  "resources.postgres_branches.old": {"action": "delete", "gone": true},
  "resources.postgres_projects.p": {"action": "skip"},
  "resources.postgres_projects.p.permissions": {"action": "update"}}}'; status=$?
check "a delete of a branch already gone passes the guard" test "$status" -eq 0
check "a gone branch is listed as forgotten, not deleted" bash -c "grep -qF '**Forget' '$scratch/out.txt' && ! grep -qF '**Delete**' '$scratch/out.txt'"
check "child nodes are counted but not listed" bash -c "grep -qF 'Plan: 0 to add, 1 to change, 1 to delete, 1 unchanged' '$scratch/out.txt' && ! grep -q 'permissions' '$scratch/out.txt'"
review deploy '{"plan": {"resources.postgres_projects.p": {"action": "create"}}}'; status=$?
check "a plan not made by the direct engine is refused" bash -c "test $status -ne 0 && grep -q 'not made by the direct engine' '$scratch/out.txt'"
review deploy '{"plan_version": 2, "plan": {"resources.postgres_projects.p": {"action": "recreate"}}}'; status=$?
check "a recreate of the project is refused" bash -c "test $status -ne 0 && grep -qF '\`postgres_projects.p\` would be deleted or recreated' '$scratch/out.txt'"
review deploy '{"plan_version": 2, "plan": {"resources.postgres_endpoints.e": {"action": "delete"}}}'; status=$?
check "an endpoint delete (no data) is listed but not refused" bash -c "test $status -eq 0 && grep -qF '\`postgres_endpoints.e\`' '$scratch/out.txt'"
review destroy '{"plan_version": 2, "plan": {"resources.postgres_projects.p": {"action": "delete"},
  "resources.postgres_branches.b": {"action": "create"}}}'; status=$?
check "a destroy plan that creates something is refused" bash -c "test $status -ne 0 && grep -q 'must only delete' '$scratch/out.txt'"

# --- a stale deployment lock ---
generate_job
sed -i 's/no_expiry: true/ttl: 86400s/' "$delivery/bundle/resources/lakebase.yml"
plan_job
echo '{"ID": "0b7d", "AcquisitionTime": "2026-11-27T09:00:00Z", "IsForced": false, "User": "someone@example.com"}' \
  > "$STUB_STATE/$DEPLOY_SP/proj-a/deploy.lock"
apply_job; status=$?
check "apply fails on a held lock" test "$status" -ne 0
check "the lock error is the CLI's" out_has "Failed to acquire deployment lock: deploy lock acquired by someone@example.com"
check "the summary points to the stale-lock runbook" summary_has "Stale deployment lock"
FORCE_LOCK=true apply_job; status=$?
check "force_lock takes over a stale lock" bash -c "test $status -eq 0 && grep -q 'deploy --plan D/plan.json --auto-approve --force-lock' <<< '$(calls)'"
rm -f "$STUB_STATE/$DEPLOY_SP/proj-a/deploy.lock"

# --- identity step ---
STUB_AUTH_FAIL=1 plan_job; status=$?
check "the identity step fails on a 401" test "$status" -ne 0
check "a failed identity reaches no bundle call" test "$(calls)" = "current-user me --output json"
STUB_USER=someone-else plan_job; status=$?
check "the identity step fails for another principal" bash -c "test $status -ne 0 && grep -q 'not to the service principal' '$scratch/out.txt'"
DATABRICKS_TOKEN_AUDIENCE="" plan_job; status=$?
check "the identity step needs an explicit token audience" bash -c "test $status -ne 0 && test ! -e '$STUB_LOG'"
DATABRICKS_AUTH_TYPE=pat plan_job; status=$?
check "the identity step refuses any auth type but github-oidc" bash -c "test $status -ne 0 && test ! -e '$STUB_LOG'"
BUNDLE_VAR_deploy_principal="" plan_job; status=$?
check "no bundle call without the deploy principal that locates the state" \
  bash -c "test $status -ne 0 && ! grep -q '^bundle' '$STUB_LOG' && grep -q 'DATABRICKS_DEPLOY_CLIENT_ID' '$scratch/out.txt'"

# --- destroy: shows what it deletes, refuses wrong names and protected branches ---
export LAKEFORGE_ACTION=destroy PROJECT_NAME=proj-zzz CONFIRM_PROJECT_NAME=proj-zzz
destroy_plan_job; status=$?
check "destroy of a project with no deployment fails" test "$status" -ne 0
check "it says nothing is deployed under that name" summary_has 'Nothing is deployed under project_name `proj-zzz`'
export PROJECT_NAME=proj-a CONFIRM_PROJECT_NAME=proj-a
rm -f "$scratch/resources/lakebase.yml"
destroy_plan_job; status=$?
check "destroy refuses a protected branch" test "$status" -ne 0
check "the refusal names the protected branch" summary_has '`postgres_branches.branch_staging` is a protected branch'
check "the destroy plan lists what the state holds" summary_has '**Delete** (15)'
check "the destroy plan needs no generated topology" bash -c "test ! -e '$scratch/resources/lakebase.yml' && grep -q 'branch_feature_x' '$scratch/gh/summary'"
jq '.resources["postgres_branches.branch_staging"].is_protected = "false"' "$STUB_STATE/$DEPLOY_SP/proj-a/resources.json" > "$scratch/s.json"
mv "$scratch/s.json" "$STUB_STATE/$DEPLOY_SP/proj-a/resources.json"
destroy_plan_job; status=$?
check "destroy plan passes once the branch is unprotected" test "$status" -eq 0
check "destroy plan makes only read calls" test "$(calls)" = "current-user me --output json;bundle validate;bundle plan -o json"
check "the destroy plan line counts the deletes" summary_has "Plan: 0 to add, 0 to change, 15 to delete, 0 unchanged"
cp -r "$delivery" "$scratch/approved-destroy"
STUB_ROOT_GONE=1 destroy_job; status=$?
check "destroy fails when the CLI finds no deployment" bash -c "test $status -ne 0 && grep -q 'No active deployment found to destroy' '$scratch/out.txt'"
rm -rf "$delivery"; cp -r "$scratch/approved-destroy" "$delivery"
destroy_job; status=$?
check "destroy succeeds" test "$status" -eq 0
check "destroy re-plans, then destroys" test "$(calls)" = "current-user me --output json;bundle plan -o json;bundle destroy --auto-approve"
check "destroy reports the CLI's count" out_has "Destroy: 15 deleted"
check "the state is gone" test ! -e "$STUB_STATE/$DEPLOY_SP/proj-a"
rm -rf "$delivery"; cp -r "$scratch/approved-destroy" "$delivery"
destroy_job; status=$?
check "a second destroy with the old plan is refused" bash -c "test $status -ne 0 && ! grep -q 'bundle destroy' '$STUB_LOG'"

# --- destroy refuses without the confirmation, before any call ---
for confirm in "" "proj-b" "PROJ-A"; do
  export CONFIRM_PROJECT_NAME="$confirm"
  destroy_plan_job; status=$?
  check "destroy refuses confirm='$confirm'" test "$status" -ne 0
  check "the refusal says what to type ('$confirm')" out_has 'set confirm to the project name ("proj-a")'
  check "no bundle call without confirmation ('$confirm')" bash -c "! grep -q '^bundle' '$STUB_LOG'"
done
unset CONFIRM_PROJECT_NAME LAKEFORGE_ACTION

# --- bad inputs fail before any call, and nothing from them runs ---
long="a$(printf '1%.0s' {1..63})"
bad_values=("Bad Name" "a,,b" "$long" "trailing-" 'x;rm -rf /' "\$(touch $canary)" "\`touch $canary\`" "feature,production" "dev
prod")
for value in "${bad_values[@]}"; do
  for field in PROJECT_NAME CUSTOM_BRANCHES; do
    if [[ "$field" == PROJECT_NAME && "$value" == "a,,b" ]]; then continue; fi
    export PROJECT_NAME=proj-a CUSTOM_BRANCHES=""
    export "$field=$value"
    generate_job; status=$?
    label="$field=$(printf '%q' "$value")"
    check "rejects $label" test "$status" -ne 0
    check "says why for $label" grep -q "^error: " "$scratch/out.txt"
  done
done
export PROJECT_NAME=proj-a CUSTOM_BRANCHES=""
generate_job
for value in "postgres_branches" "x;touch $canary" "\$(touch $canary)"; do
  ALLOW_DELETES="$value" plan_job; status=$?
  check "rejects allow_deletes=$(printf '%q' "$value") before any bundle call" \
    bash -c "test $status -ne 0 && ! grep -q '^bundle' '$STUB_LOG' && grep -q 'is not a plan key' '$scratch/out.txt'"
done
check "nothing from the inputs was executed" test ! -e "$canary"

# --- the CLI installer: the checksum table in the script is the only source of truth ---
release="$scratch/release"
mkdir -p "$release/payload"
for arch in amd64 arm64; do
  printf '#!/bin/sh\necho "Databricks CLI v1.13.0 (fake %s)"\n' "$arch" > "$release/payload/databricks"
  chmod +x "$release/payload/databricks"
  (cd "$release/payload" && zip -q "$release/databricks_cli_1.13.0_linux_${arch}.zip" databricks)
done
amd64_sum="$(sha256sum "$release/databricks_cli_1.13.0_linux_amd64.zip" | cut -c1-64)"
arm64_sum="$(sha256sum "$release/databricks_cli_1.13.0_linux_arm64.zip" | cut -c1-64)"
mkdir -p "$scratch/arm-bin"
printf '#!/bin/sh\n[ "$1" = -m ] && echo aarch64 || echo Linux\n' > "$scratch/arm-bin/uname"
chmod +x "$scratch/arm-bin/uname"
install_cli() { # table-amd64 table-arm64 [PATH prefix]
  local script="$scratch/install.sh"
  sed -e "s/\[linux_amd64\]=\"[0-9a-f]*\"/[linux_amd64]=\"$1\"/" \
      -e "s/\[linux_arm64\]=\"[0-9a-f]*\"/[linux_arm64]=\"$2\"/" "$scratch/scripts/install-databricks-cli.sh" > "$script"
  rm -rf "$scratch/cli"
  PATH="${3:-}${3:+:}$PATH" CLI_DOWNLOAD_BASE="file://$release" INSTALL_DIR="$scratch/cli" GITHUB_PATH="" \
    bash "$script" > "$scratch/out.txt" 2>&1
}
check "the installer pins v1.13.0" grep -qx 'VERSION="1.13.0"' "$scratch/scripts/install-databricks-cli.sh"
check "the installer downloads no checksum file" bash -c "! grep -qi 'SHA256SUMS' '$scratch/scripts/install-databricks-cli.sh'"
install_cli "" ""; status=$?
check "the installer refuses without a recorded checksum" bash -c "test $status -ne 0 && test ! -e '$scratch/cli/databricks'"
check "the refusal names the archive" out_has "no verified SHA-256 for databricks_cli_1.13.0_linux_amd64.zip"
install_cli "$arm64_sum" "$arm64_sum"; status=$?
check "the installer refuses an archive that does not match" bash -c "test $status -ne 0 && test ! -e '$scratch/cli/databricks'"
if [[ "$(uname -m)" == x86_64 ]]; then
  install_cli "$amd64_sum" ""; status=$?
  check "the installer installs a matching amd64 archive" bash -c "test $status -eq 0 && '$scratch/cli/databricks' | grep -q v1.13.0"
fi
install_cli "" "$arm64_sum" "$scratch/arm-bin"; status=$?
check "the installer picks the arm64 archive on aarch64" bash -c "test $status -eq 0 && '$scratch/cli/databricks' | grep -q 'fake arm64'"

echo "${passed} passed, ${failed} failed"
[[ "$failed" -eq 0 ]]
