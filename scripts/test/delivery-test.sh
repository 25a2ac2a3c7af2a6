#!/usr/bin/env bash
# The fast delivery test, without the real Databricks CLI: the delivery scripts job by job, as the
# workflows run them, in a scratch copy of the repository, against scripts/test/databricks-stub
# (v1.12.1's formats: JSON plan, the planner's CAN_MANAGE in the project's permissions, the
# .databricks/ folder it writes into the bundle). Between jobs the artifact is handed over as
# actions/upload-artifact does: without hidden files, and only from a job that succeeded.
# What it tests is what the scripts decide themselves: the hand-off (manifest, hidden files,
# tampered, added or missing files, stale state), the guard on hand-written plans in v1.12.1's
# shape, destroy refusals, the identity step, the principal variables, bad inputs, the installer.
# The CLI's own behaviour (deploys, locks, previews) is scripts/test/real-cli-test.sh's.
# Ends with "N passed, N failed"; exits non-zero on a failure.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# A copy of the repository's files (tracked, or new and not ignored) as they are in the work tree.
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) \
  | tar -xf - -C "$scratch/" --one-top-level=work
work="$scratch/work"
mkdir -p "$scratch/stub-bin" "$scratch/stub-state"
cp "$here/databricks-stub" "$scratch/stub-bin/databricks"
export PATH="$scratch/stub-bin:$PATH"
export STUB_LOG="$scratch/stub.log" STUB_STATE="$scratch/stub-state"
export MVNW="$work/scripts/test/fake-mvnw"
cp "$work/resources/lakebase.yml" "$scratch/topology.yml"
export DATABRICKS_AUTH_TYPE=github-oidc DATABRICKS_HOST=https://dbc-stub.cloud.databricks.com
export DATABRICKS_TOKEN_AUDIENCE=stub-account-id
PLAN_SP=11111111-aaaa-4aaa-8aaa-000000000001 DEPLOY_SP=22222222-bbbb-4bbb-8bbb-000000000002
PREVIEW_SP=33333333-cccc-4ccc-8ccc-000000000003 APP_SP=44444444-dddd-4ddd-8ddd-000000000004
# The repository variables every job gets (docs/oidc-setup.md).
export BUNDLE_VAR_deploy_principal="$DEPLOY_SP" BUNDLE_VAR_plan_principal="$PLAN_SP"
export BUNDLE_VAR_preview_principal="$PREVIEW_SP" BUNDLE_VAR_app_principal="$APP_SP"
unset CONFIRM_PROJECT_NAME LAKEFORGE_ACTION ALLOW_DELETES ADOPT FORCE_LOCK DELETE_GUARD PLANNED_BY
delivery="$work/target/delivery"
artifacts="$scratch/artifacts"
canary="$scratch/pwned"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; sed 's/^/       /' "$scratch/out.txt" | tail -n 8; }
check() { local name="$1"; shift; if "$@"; then ok "$name"; else fail "$name"; fi; }
# The identity and bundle calls of the last job, e.g. "current-user me --output json;bundle plan -o json".
calls() { [[ -f "$STUB_LOG" ]] && cut -d'|' -f1 "$STUB_LOG" | grep -E '^(current-user|bundle) ' | sed "s#$delivery#D#g" | paste -sd';' - || true; }
no_bundle_call() { ! grep -q '^bundle' "$STUB_LOG" 2> /dev/null; }
no_call() { test ! -e "$STUB_LOG"; }
# Every call of the last job only reads (identity, validate, plan, a lookup).
read_only() { ! grep -vE '^(current-user me |bundle validate|bundle plan |postgres get-)' "$STUB_LOG"; }
jqe() { jq -e "$@" > /dev/null; }
out_has() { grep -qF -- "$1" "$scratch/out.txt"; }
summary_has() { grep -qF -- "$1" "$scratch/gh/summary"; }
state_of() { echo "$STUB_STATE/$DEPLOY_SP/proj-a/resources.json"; }
state_has() { jq -e --arg k "$1" '.resources | has($k)' "$(state_of)" > /dev/null 2>&1; }
grants() { # the project's permissions in the state, as "principal=LEVEL" words
  jq -r '[.resources["postgres_projects.lakebase_project.permissions"].__embed__[]
          | "\(.service_principal_name // .user_name // .group_name)=\(.level)"] | sort | join(" ")' "$(state_of)"
}
declared_grants="$(printf '%s\n' "lakeforge-users=CAN_USE" "$DEPLOY_SP=CAN_MANAGE" "$PLAN_SP=CAN_USE" "$PREVIEW_SP=CAN_MANAGE" \
  | sort | paste -sd' ')"

# Copies a folder as upload-artifact + download-artifact do: regular files, hidden ones left out.
handover() { # from to
  rm -rf "$2"; mkdir -p "$2"
  (cd "$1" && find . -path '*/.*' -prune -o -type f -print0 | tar --null -T - -cf -) | tar -xf - -C "$2"
}

# One job: a fresh runner (delivery folder, summary, call log), the job's identity, its steps; the
# artifact it needs downloaded into target/delivery first; the one it makes uploaded if it succeeds.
job() { # client download-from upload-name steps...
  local client="$1" from="$2" upload="$3"; shift 3
  rm -rf "${scratch:?}/gh" "$delivery" "$STUB_LOG"; mkdir -p "$scratch/gh"
  : > "$scratch/gh/summary"
  if [[ -n "$from" ]]; then
    [[ -d "$artifacts/${from%%:*}" ]] && handover "$artifacts/${from%%:*}" "$delivery/${from#*:}"
  fi
  local status=0
  (
    cd "$work" || exit 1
    export GITHUB_ENV="$scratch/gh/env" GITHUB_STEP_SUMMARY="$scratch/gh/summary"
    if [[ -n "$client" ]]; then
      export DATABRICKS_CLIENT_ID="$client"
    else
      # The token-less generate job: no Databricks variable at all.
      unset DATABRICKS_HOST DATABRICKS_CLIENT_ID DATABRICKS_TOKEN_AUDIENCE DATABRICKS_AUTH_TYPE
    fi
    for step in "$@"; do
      eval "$step" || exit 1
    done
  ) > "$scratch/out.txt" 2>&1 || status=$?
  if [[ -n "$upload" ]]; then
    rm -rf "${artifacts:?}/$upload"
    if [[ $status -eq 0 && -d "$delivery" ]]; then
      local src="$delivery"
      [[ "$upload" == bundle ]] && src="$delivery/bundle"
      handover "$src" "$artifacts/$upload"
    fi
  fi
  return "$status"
}
generate_job() { # [fixture]
  FAKE_TOPOLOGY="${1:-$scratch/topology.yml}" job "" "" bundle scripts/validate-inputs.sh scripts/generate.sh "scripts/bundle.sh stage"
}
plan_job() { job "$PLAN_SP" "bundle:bundle" plan scripts/whoami.sh "scripts/bundle.sh plan"; }
apply_job() { job "$DEPLOY_SP" "plan:" "" "$@" scripts/whoami.sh "scripts/bundle.sh apply"; }
destroy_plan_job() { job "$PLAN_SP" "" destroy-plan scripts/validate-inputs.sh scripts/whoami.sh "scripts/bundle.sh destroy-plan"; }
destroy_job() { job "$DEPLOY_SP" "destroy-plan:" "" "$@" scripts/whoami.sh "scripts/bundle.sh destroy"; }

# --- first deploy: generate (no token), plan (plan principal), apply (deploy principal) ---
export PROJECT_NAME=proj-a CUSTOM_BRANCHES=" feature-x ,feature-y"
generate_job; status=$?
check "generate succeeds" test "$status" -eq 0
check "generate makes no Databricks call" no_call
check "the extra branches are in the staged bundle" grep -q "branch_id: feature-y" "$artifacts/bundle/resources/lakebase.yml"
check "the staged bundle has databricks.yml" cmp -s "$work/databricks.yml" "$artifacts/bundle/databricks.yml"
check "the generate summary shows the topology diagram" summary_has "flowchart LR"

plan_job; status=$?
check "plan succeeds" test "$status" -eq 0
check "plan job calls identity, validate, plan -o json" \
  test "$(calls)" = "current-user me --output json;bundle validate;bundle plan -o json"
check "the plan job only reads" read_only
check "plan job runs as the plan principal" bash -c "! grep -v 'client=$PLAN_SP|' '$STUB_LOG'"
check "every bundle call sees the project and the deploy principal's state" \
  bash -c "test \$(grep -c '^bundle .*|project=proj-a|principal=$DEPLOY_SP|' '$STUB_LOG') -eq 2"
check "every call sets the token audience" bash -c "! grep -v 'audience=stub-account-id$' '$STUB_LOG'"
check "the plan is the CLI's v1.12.1 JSON plan" jqe '.plan_version == 2 and .cli_version == "1.12.1"' "$delivery/plan.json"
check "without state the plan has no lineage or serial" jqe 'has("lineage") or has("serial") | not' "$delivery/plan.json"
check "the summary counts 18 creates, the permissions node among them" summary_has "Plan: 18 to add, 0 to change, 0 to delete, 0 unchanged"
check "the summary lists each created branch" summary_has '- `postgres_branches.branch_feature_y`'
check "the summary does not paste the raw plan" bash -c "! grep -q 'plan_version' '$scratch/gh/summary'"
check "the summary shows the identity" summary_has "\`$PLAN_SP\`"
check "planned-by names the plan principal" test "$(cat "$delivery/planned-by")" = "$PLAN_SP"
listed() { local f; for f in "$@"; do cut -c67- "$delivery/SHA256SUMS" | grep -qxF -- "$f" || return 1; done; }
check "the manifest covers the bundle, the plan and planned-by" \
  listed bundle/databricks.yml bundle/resources/lakebase.yml plan.json planned-by
check "the manifest lists no hidden file" bash -c "! cut -c67- '$delivery/SHA256SUMS' | grep -qE '(^|/)[.]'"
check "the plan job removed the CLI's .databricks/ before the manifest" test -z "$(find "$delivery" -name '.*')"
check "the handover drops nothing of what the plan job wrote" diff -r "$delivery" "$artifacts/plan"
cp -r "$artifacts/plan" "$scratch/plan-before-deploy"

apply_job; status=$?
check "apply succeeds" test "$status" -eq 0
check "apply plans again as the deploy principal and deploys that live plan" \
  test "$(calls)" = "current-user me --output json;bundle plan -o json;bundle deploy --plan D/live-plan.json --auto-approve"
check "apply runs as the deploy principal" bash -c "! grep -v 'client=$DEPLOY_SP|' '$STUB_LOG'"
check "the deploy created the extra branch" state_has postgres_branches.branch_feature_y
check "the applied permissions are the declared ones: the plan principal keeps CAN_USE" test "$(grants)" = "$declared_grants"
check "the stub writes the CLI's .databricks/.gitignore into the bundle folder" \
  test "$(cat "$delivery/bundle/.databricks/.gitignore" 2> /dev/null)" = "*"
check "and, with state, .databricks/bundle/prod/resources.json" test -s "$delivery/bundle/.databricks/bundle/prod/resources.json"

plan_job; status=$?
check "a plan after the deploy passes" test "$status" -eq 0
check "it has lineage and serial" jqe '(.lineage | length > 0) and .serial == 1' "$delivery/plan.json"
check "the CLI made the plan principal CAN_MANAGE in its own plan" \
  jqe --arg p "$PLAN_SP" '.plan["resources.postgres_projects.lakebase_project.permissions"]
    | .action == "update" and any(.new_state.value.__embed__[]; .service_principal_name == $p and .level == "CAN_MANAGE")' "$delivery/plan.json"
check "that self-grant is not counted" summary_has "Plan: 0 to add, 0 to change, 0 to delete, 18 unchanged"
check "the summary names it" summary_has "the CLI adds the identity that planned (\`$PLAN_SP\`) as CAN_MANAGE"
apply_job; status=$?
check "the second apply succeeds" test "$status" -eq 0
check "the plan principal still holds only CAN_USE" test "$(grants)" = "$declared_grants"

# --- the hand-off: apply refuses anything but the approved plan on the approved state ---
cp -r "$scratch/plan-before-deploy/." "$artifacts/plan/"
apply_job; status=$?
check "apply refuses a plan made before the state changed" test "$status" -ne 0
check "a stale plan reaches no deploy" bash -c "! grep -q '^bundle deploy' '$STUB_LOG'"
check "the refusal shows the difference" summary_has "the live plan differs from the approved plan"
plan_job
STUB_REMOTE_GONE=postgres_branches.branch_dev apply_job; status=$?
check "apply refuses when the workspace changed after the plan (same state)" \
  bash -c "test $status -ne 0 && ! grep -q '^bundle deploy' '$STUB_LOG' && grep -q '> resources.postgres_branches.branch_dev create' '$scratch/gh/summary'"
apply_job "sed -i 's/no_expiry: true/ttl: 86400s/' target/delivery/bundle/resources/lakebase.yml"; status=$?
check "apply refuses a bundle changed after the plan" bash -c "test $status -ne 0 && grep -q 'differs from what the plan job wrote' '$scratch/out.txt'"
check "a changed bundle reaches no bundle call" test "$(calls)" = "current-user me --output json"
apply_job "jq '.plan |= with_entries(select(.key | contains(\"feature_y\") | not))' target/delivery/plan.json > p && mv p target/delivery/plan.json"; status=$?
check "apply refuses a plan changed after the plan job" bash -c "test $status -ne 0 && ! grep -q '^bundle' '$STUB_LOG'"
apply_job "echo '$DEPLOY_SP' > target/delivery/planned-by"; status=$?
check "apply refuses a changed planned-by" bash -c "test $status -ne 0 && grep -q 'differs from what the plan job wrote' '$scratch/out.txt'"
apply_job "echo '{}' > target/delivery/bundle/resources/extra.yml"; status=$?
check "apply refuses a file added after the plan" bash -c "test $status -ne 0 && grep -q 'files the plan job did not write' '$scratch/out.txt'"
check "an added file reaches no bundle call" no_bundle_call
apply_job "mkdir -p target/delivery/bundle/.databricks/bundle/prod && echo '{}' > target/delivery/bundle/.databricks/bundle/prod/resources.json"; status=$?
check "apply refuses an artifact with a hidden file" bash -c "test $status -ne 0 && grep -q 'files the plan job did not write' '$scratch/out.txt'"
check "a hidden file reaches no bundle call" no_bundle_call
rm -rf "$artifacts/plan"
apply_job; status=$?
check "apply without a plan artifact fails" bash -c "test $status -ne 0 && grep -q 'no approved plan' '$scratch/out.txt'"
check "a missing artifact reaches no bundle call" no_bundle_call

# --- the plan principal never ends with CAN_MANAGE: the deploy principal's plan is checked ---
sed '/level: CAN_USE$/{N;s/CAN_USE\(\n *service_principal_name: ${var.plan_principal}\)$/CAN_MANAGE\1/}' \
  "$scratch/topology.yml" > "$scratch/plan-manages.yml"
check "fixture: the plan principal declared CAN_MANAGE" grep -qF 'service_principal_name: ${var.plan_principal}' "$scratch/plan-manages.yml"
generate_job "$scratch/plan-manages.yml"
plan_job; status=$?
check "the plan job cannot tell it from the CLI's self-grant" bash -c "test $status -eq 0 && grep -qF 'Plan: 0 to add, 0 to change, 0 to delete, 18 unchanged' '$scratch/gh/summary'"
apply_job; status=$?
check "apply refuses a plan that leaves the plan principal CAN_MANAGE" \
  bash -c "test $status -ne 0 && grep -qF 'would leave the plan principal $PLAN_SP with CAN_MANAGE on postgres_projects.lakebase_project.permissions' '$scratch/out.txt'"
check "that refusal reaches no deploy" bash -c "! grep -q '^bundle deploy' '$STUB_LOG'"
check "the plan principal still holds only CAN_USE afterwards" test "$(grants)" = "$declared_grants"

# --- a recreated branch takes its children with it; the guard names what loses data ---
sed '/branch_id: dev$/a\      source_branch: ${resources.postgres_branches.branch_staging.id}' "$scratch/topology.yml" > "$scratch/recreate.yml"
generate_job "$scratch/recreate.yml"
plan_job; status=$?
check "a plan that recreates a branch fails" test "$status" -ne 0
check "its endpoints, role and database are recreated with it" summary_has '**Recreate (delete, then create: the data is lost)** (5)'
check "the plan line counts them as adds and deletes" summary_has "Plan: 5 to add, 0 to change, 5 to delete, 13 unchanged"
check "the refusal names the branch" summary_has '`postgres_branches.branch_dev` would be deleted or recreated, losing its data'
check "the refusal names the role and what it owns" summary_has '`postgres_roles.role_dev__lakeforge_app` would be deleted or recreated: what the role owns'
check "the refusal says what to type" \
  summary_has 'allow_deletes: `postgres_branches.branch_dev,postgres_databases.database_dev__orders,postgres_roles.role_dev__lakeforge_app`'
DELETE_GUARD=report plan_job; status=$?
check "the pull-request plan reports it without failing" bash -c "test $status -eq 0 && grep -q 'A deploy of this plan would stop' '$scratch/gh/summary'"
ALLOW_DELETES="postgres_branches.branch_dev, postgres_databases.database_dev__orders,postgres_roles.role_dev__lakeforge_app" plan_job; status=$?
check "allow_deletes naming them lets the plan pass" test "$status" -eq 0
ALLOW_DELETES="postgres_branches.branch_dev" apply_job; status=$?
check "apply re-checks the guard with its own allow_deletes" bash -c "test $status -ne 0 && grep -q 'does not pass the delete guard' '$scratch/out.txt'"
check "apply without the full allowance makes no bundle call" no_bundle_call

# --- plan-review.sh on hand-written plans in v1.12.1's JSON shape ---
review() { # mode json [VAR=value...]
  local mode="$1" json="$2"; shift 2
  printf '%s' "$json" > "$scratch/review.json"
  (cd "$work" && env PROJECT_NAME=proj-a "$@" scripts/plan-review.sh "$mode" "$scratch/review.json") > "$scratch/out.txt" 2>&1
}
role_recreate='{"plan_version": 2, "cli_version": "1.12.1", "lineage": "0c9a4d7e-3f1b-4a56-9e2d-6b8f1c2a7d90", "serial": 3, "plan": {
  "resources.postgres_roles.role_dev__lakeforge_app": {"action": "recreate",
    "new_state": {"value": {"parent": "projects/proj-a/branches/dev", "role_id": "lakeforge-app", "postgres_role": "new-app"}},
    "remote_state": {"name": "projects/proj-a/branches/dev/roles/lakeforge-app", "status": {"postgres_role": "old-app"}},
    "changes": {"postgres_role": {"action": "recreate", "old": "old-app", "new": "new-app"}}}}}'
review deploy "$role_recreate"; status=$?
check "a role recreate is refused" bash -c "test $status -ne 0 && grep -qF '\`postgres_roles.role_dev__lakeforge_app\` would be deleted or recreated: what the role owns' '$scratch/out.txt'"
review deploy "$role_recreate" ALLOW_DELETES=postgres_roles.role_dev__lakeforge_app; status=$?
check "allow_deletes naming the role lets it pass" test "$status" -eq 0
branch_update() { # changes new-value
  printf '{"plan_version": 2, "cli_version": "1.12.1", "lineage": "0c9a4d7e-3f1b-4a56-9e2d-6b8f1c2a7d90", "serial": 3, "plan": {
    "resources.postgres_branches.branch_dev": {"action": "update",
      "new_state": {"value": %s},
      "remote_state": {"name": "projects/proj-a/branches/dev", "status": {"is_protected": true}},
      "changes": %s}}}' "$2" "$1"
}
review deploy "$(branch_update '{"no_expiry": {"action": "update", "old": true}, "ttl": {"action": "skip", "reason": "empty", "new": "86400s"}}' \
  '{"parent": "projects/proj-a", "branch_id": "dev", "ttl": "86400s"}')"; status=$?
check "adding a ttl (no_expiry dropped) is refused" bash -c "test $status -ne 0 && grep -qF '\`postgres_branches.branch_dev\` would expire' '$scratch/out.txt'"
check "it is listed among the updates that lose data later" out_has "**Updates that lose data later**"
review deploy "$(branch_update '{"ttl": {"action": "update", "old": "604800s", "new": "86400s"}}' \
  '{"parent": "projects/proj-a", "branch_id": "dev", "ttl": "86400s"}')"; status=$?
check "a shorter ttl is refused" bash -c "test $status -ne 0 && grep -qF '\`postgres_branches.branch_dev\` would expire' '$scratch/out.txt'"
unprotect="$(branch_update '{"is_protected": {"action": "update", "old": true}}' '{"parent": "projects/proj-a", "branch_id": "dev", "no_expiry": true}')"
review deploy "$unprotect"; status=$?
check "dropping a branch's protection is refused" bash -c "test $status -ne 0 && grep -qF '\`postgres_branches.branch_dev\` would lose its protection' '$scratch/out.txt'"
review deploy "$unprotect" ALLOW_DELETES=postgres_branches.branch_dev; status=$?
check "allow_deletes naming the branch lets the unprotect pass" test "$status" -eq 0
review deploy "$(branch_update '{"source_branch_time": {"action": "skip", "reason": "empty"}}' \
  '{"parent": "projects/proj-a", "branch_id": "dev", "no_expiry": true, "is_protected": true}')"; status=$?
check "an update that keeps no_expiry and protection passes" bash -c "test $status -eq 0 && grep -qF 'Plan: 0 to add, 1 to change, 0 to delete, 0 unchanged' '$scratch/out.txt'"
permissions_update() { # changes
  printf '{"plan_version": 2, "cli_version": "1.12.1", "lineage": "0c9a4d7e-3f1b-4a56-9e2d-6b8f1c2a7d90", "serial": 3, "plan": {
    "resources.postgres_projects.lakebase_project": {"action": "skip", "remote_state": {"name": "projects/proj-a"}},
    "resources.postgres_projects.lakebase_project.permissions": {"action": "update",
      "new_state": {"value": {"__embed__": [{"level": "CAN_MANAGE", "service_principal_name": "%s"}, {"level": "CAN_USE", "group_name": "lakeforge-users"}]}},
      "remote_state": {"__embed__": [{"level": "CAN_USE", "service_principal_name": "%s"}]},
      "changes": %s}}}' "$PLAN_SP" "$PLAN_SP" "$1"
}
self_grant="{\"[service_principal_name='$PLAN_SP'].level\": {\"action\": \"update\", \"old\": \"CAN_USE\", \"new\": \"CAN_MANAGE\"}}"
review deploy "$(permissions_update "$self_grant")" PLANNED_BY="$PLAN_SP"; status=$?
check "the planner's self-grant is not counted" bash -c "test $status -eq 0 && grep -qF 'Plan: 0 to add, 0 to change, 0 to delete, 2 unchanged' '$scratch/out.txt' && grep -qF 'Not counted: the CLI adds the identity that planned' '$scratch/out.txt'"
review deploy "$(permissions_update "$self_grant")" PLANNED_BY=someone-else; status=$?
check "the same grant for another identity is counted" bash -c "test $status -eq 0 && grep -qF '1 to change' '$scratch/out.txt' && ! grep -qF 'Not counted' '$scratch/out.txt'"
review deploy "$(permissions_update "{\"[service_principal_name='$PLAN_SP'].level\": {\"action\": \"update\", \"old\": \"CAN_USE\", \"new\": \"CAN_MANAGE\"}, \"[group_name='lakeforge-users']\": {\"action\": \"update\", \"new\": {\"level\": \"CAN_USE\", \"group_name\": \"lakeforge-users\"}}}")" PLANNED_BY="$PLAN_SP"; status=$?
check "a permissions update with more than the self-grant is counted" bash -c "test $status -eq 0 && grep -qF '1 to change' '$scratch/out.txt'"
review deploy '{"plan_version": 2, "plan": {
  "resources.postgres_projects.p.permissions": {"action": "update", "changes": {"[user_name='"'"'me@example.com'"'"'].level": {"action": "update", "old": "CAN_USE", "new": "CAN_MANAGE"}}}}}' \
  PLANNED_BY=me@example.com; status=$?
check "a user's self-grant is not counted either" bash -c "test $status -eq 0 && grep -qF '0 to change' '$scratch/out.txt'"
review deploy '{"plan_version": 2, "plan": {
  "resources.postgres_branches.old": {"action": "delete", "gone": true},
  "resources.postgres_projects.p": {"action": "skip", "remote_state": {"name": "projects/p"}},
  "resources.postgres_projects.p.permissions": {"action": "update", "changes": {"[group_name='"'"'g'"'"']": {"action": "update", "old": {"level": "CAN_USE", "group_name": "g"}}}}}}'; status=$?
check "a delete of a branch already gone passes the guard" test "$status" -eq 0
check "a gone branch is listed as forgotten, not deleted" bash -c "grep -qF '**Forget' '$scratch/out.txt' && ! grep -qF '**Delete**' '$scratch/out.txt'"
check "child nodes are counted but not listed" bash -c "grep -qF 'Plan: 0 to add, 1 to change, 1 to delete, 1 unchanged' '$scratch/out.txt' && ! grep -q 'permissions' '$scratch/out.txt'"
review deploy '{"plan": {"resources.postgres_projects.p": {"action": "create"}}}'; status=$?
check "a plan not made by the direct engine is refused" bash -c "test $status -ne 0 && grep -q 'not made by the direct engine' '$scratch/out.txt'"
review deploy '{"plan_version": 2, "plan": {"resources.postgres_projects.p": {"action": "recreate", "changes": {"pg_version": {"action": "recreate", "old": 16, "new": 17}}}}}'; status=$?
check "a recreate of the project is refused" bash -c "test $status -ne 0 && grep -qF '\`postgres_projects.p\` would be deleted or recreated' '$scratch/out.txt'"
review deploy '{"plan_version": 2, "plan": {"resources.postgres_endpoints.e": {"action": "delete", "remote_state": {"name": "projects/p/branches/b/endpoints/e"}}}}'; status=$?
check "an endpoint delete (no data) is listed but not refused" bash -c "test $status -eq 0 && grep -qF '\`postgres_endpoints.e\`' '$scratch/out.txt'"
review deploy '{"plan_version": 2, "plan": {"resources.postgres_endpoints.e": {"action": "skip"}}}' ALLOW_DELETES=postgres_branches.b; status=$?
check "allow_deletes naming a key the plan keeps is refused" bash -c "test $status -ne 0 && grep -qF 'allow_deletes names \`postgres_branches.b\`' '$scratch/out.txt'"
review destroy '{"plan_version": 2, "plan": {"resources.postgres_projects.p": {"action": "delete", "remote_state": {}},
  "resources.postgres_branches.b": {"action": "create"}}}'; status=$?
check "a destroy plan that creates something is refused" bash -c "test $status -ne 0 && grep -q 'must only delete' '$scratch/out.txt'"
review destroy '{"plan_version": 2, "plan": {"resources.postgres_projects.p": {"action": "delete", "remote_state": {"name": "projects/p"}},
  "resources.postgres_branches.b": {"action": "delete"}}}'; status=$?
check "a destroy of a branch without remote_state (403) is refused" bash -c "test $status -ne 0 && grep -qF '\`postgres_branches.b\`: the plan could not read the branch' '$scratch/out.txt'"

# An apply that stopped midway left a resource outside the state: the plan stops, adopt takes it.
adopt_plan='{"plan_version": 2, "cli_version": "1.12.1", "plan": {
  "resources.postgres_projects.lakebase_project": {"action": "create", "new_state": {"value": {"project_id": "proj-a"}}}}}'
printf 'postgres_projects.lakebase_project\tprojects/proj-a\n' > "$scratch/existing.tsv"
review deploy "$adopt_plan" EXISTING="$scratch/existing.tsv"; status=$?
check "a create over an existing resource is refused without adopt" \
  bash -c "test $status -ne 0 && grep -qF 'adopt: \`postgres_projects.lakebase_project\`' '$scratch/out.txt'"
review deploy "$adopt_plan" EXISTING="$scratch/existing.tsv" ADOPT=postgres_projects.lakebase_project; status=$?
check "adopt naming it lets the plan pass, listed as adopted" bash -c "test $status -eq 0 && grep -qF '**Adopt' '$scratch/out.txt'"
review deploy "$adopt_plan" ADOPT=postgres_projects.lakebase_project; status=$?
check "adopt naming what the plan does not create over an existing resource is refused" \
  bash -c "test $status -ne 0 && grep -qF 'adopt names \`postgres_projects.lakebase_project\`' '$scratch/out.txt'"

# --- identity step ---
generate_job
STUB_AUTH_FAIL=1 plan_job; status=$?
check "the identity step fails on a 401" test "$status" -ne 0
check "a failed identity reaches no bundle call" test "$(calls)" = "current-user me --output json"
STUB_USER=someone-else plan_job; status=$?
check "the identity step fails for another principal" bash -c "test $status -ne 0 && grep -q 'not to the service principal' '$scratch/out.txt'"
DATABRICKS_TOKEN_AUDIENCE="" plan_job; status=$?
check "the identity step needs an explicit token audience" bash -c "test $status -ne 0 && test ! -e '$STUB_LOG'"
DATABRICKS_AUTH_TYPE=pat plan_job; status=$?
check "the identity step refuses any auth type but github-oidc" bash -c "test $status -ne 0 && test ! -e '$STUB_LOG'"

# --- every principal variable: refused when empty or not an id, before any call ---
plan_job # an artifact for the apply below
sources=(deploy_principal:DATABRICKS_DEPLOY_CLIENT_ID plan_principal:DATABRICKS_PLAN_CLIENT_ID
  preview_principal:DATABRICKS_PREVIEW_CLIENT_ID app_principal:DATABRICKS_APP_CLIENT_ID)
for entry in "${sources[@]}"; do
  name="BUNDLE_VAR_${entry%%:*}" source="${entry#*:}"
  saved="${!name}"
  export "$name="
  generate_job; status=$?
  check "generate refuses an empty $name, naming $source" bash -c "test $status -ne 0 && grep -qF '$source' '$scratch/out.txt'"
  check "an empty $name makes no call in generate" no_call
  destroy_plan_job; status=$?
  check "the destroy plan refuses an empty $name before any call" bash -c "test $status -ne 0 && test ! -e '$STUB_LOG'"
  plan_job; status=$?
  check "the plan job refuses an empty $name before any bundle call" bash -c "test $status -ne 0 && ! grep -q '^bundle' '$STUB_LOG'"
  apply_job; status=$?
  check "the apply job refuses an empty $name before any bundle call" bash -c "test $status -ne 0 && ! grep -q '^bundle' '$STUB_LOG'"
  export "$name=$saved"
done
for value in "   " "two words" "\$(touch $canary)"; do
  BUNDLE_VAR_app_principal="$value" generate_job; status=$?
  check "generate refuses BUNDLE_VAR_app_principal=$(printf '%q' "$value")" bash -c "test $status -ne 0 && grep -q '^error: BUNDLE_VAR_app_principal' '$scratch/out.txt'"
done

# --- destroy: refused when nothing is deployed, a branch is protected, unreadable or prevent_destroy ---
export LAKEFORGE_ACTION=destroy PROJECT_NAME=proj-zzz CONFIRM_PROJECT_NAME=proj-zzz
destroy_plan_job; status=$?
check "destroy of a project with no deployment fails" test "$status" -ne 0
check "it says nothing is deployed under that name" summary_has 'Nothing is deployed under project_name `proj-zzz`'
export PROJECT_NAME=proj-a CONFIRM_PROJECT_NAME=proj-a
destroy_plan_job; status=$?
check "destroy refuses a protected branch" bash -c "test $status -ne 0 && grep -qF '\`postgres_branches.branch_staging\` is a protected branch' '$scratch/gh/summary'"
check "and names its prevent_destroy in the committed resources/lakebase.yml" summary_has '`postgres_branches.branch_staging` has lifecycle.prevent_destroy'
check "the destroy plan lists what the state holds" bash -c "grep -qF '**Delete** (17)' '$scratch/gh/summary' && grep -qF 'branch_feature_x' '$scratch/gh/summary'"
check "the destroy plan only reads" read_only
jq '.resources["postgres_branches.branch_staging"].is_protected = false' "$(state_of)" > "$scratch/s.json" && mv "$scratch/s.json" "$(state_of)"
destroy_plan_job; status=$?
check "once unprotected, prevent_destroy alone still refuses" \
  bash -c "test $status -ne 0 && grep -qF 'has lifecycle.prevent_destroy' '$scratch/gh/summary' && ! grep -qF 'is a protected branch' '$scratch/gh/summary'"
sed -i -e '/^      is_protected: true$/d' -e '/^      lifecycle:$/d' -e '/^        prevent_destroy: true$/d' "$work/resources/lakebase.yml"
STUB_UNREADABLE=postgres_branches.branch_dev destroy_plan_job; status=$?
check "destroy refuses a branch the plan could not read" \
  bash -c "test $status -ne 0 && grep -qF '\`postgres_branches.branch_dev\`: the plan could not read the branch' '$scratch/gh/summary'"
destroy_plan_job; status=$?
check "the destroy plan passes once nothing is protected" test "$status" -eq 0
check "the destroy plan line counts every delete" summary_has "Plan: 0 to add, 0 to change, 18 to delete, 0 unchanged"
check "the destroy plan's artifact holds no hidden file" test -z "$(find "$delivery" -name '.*')"
cp -r "$artifacts/destroy-plan" "$scratch/approved-destroy"
destroy_job "mkdir -p target/delivery/bundle/.databricks/bundle/prod && echo {} > target/delivery/bundle/.databricks/bundle/prod/resources.json"; status=$?
check "destroy refuses an artifact with a hidden file" bash -c "test $status -ne 0 && grep -q 'files the plan job did not write' '$scratch/out.txt' && ! grep -q '^bundle' '$STUB_LOG'"
destroy_job; status=$?
check "destroy succeeds" test "$status" -eq 0
check "destroy plans again, then destroys" test "$(calls)" = "current-user me --output json;bundle plan -o json;bundle destroy --auto-approve"
check "the state is gone" test ! -e "$STUB_STATE/$DEPLOY_SP/proj-a"
cp -r "$scratch/approved-destroy/." "$artifacts/destroy-plan/"
destroy_job; status=$?
check "a second destroy with the old plan is refused" bash -c "test $status -ne 0 && ! grep -q 'bundle destroy' '$STUB_LOG'"

# --- destroy refuses without the confirmation, before any call ---
for confirm in "" "proj-b" "PROJ-A"; do
  export CONFIRM_PROJECT_NAME="$confirm"
  destroy_plan_job; status=$?
  check "destroy refuses confirm='$confirm' before any call" bash -c "test $status -ne 0 && test ! -e '$STUB_LOG'"
  check "the refusal says what to type ('$confirm')" out_has 'set confirm to the project name ("proj-a")'
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
    check "rejects $label before any call" bash -c "test $status -ne 0 && test ! -e '$STUB_LOG' && grep -q '^error: ' '$scratch/out.txt'"
  done
done
export PROJECT_NAME=proj-a CUSTOM_BRANCHES=""
generate_job
for value in "postgres_branches" "x;touch $canary" "\$(touch $canary)"; do
  ALLOW_DELETES="$value" plan_job; status=$?
  check "rejects allow_deletes=$(printf '%q' "$value") before any bundle call" \
    bash -c "test $status -ne 0 && ! grep -q '^bundle' '$STUB_LOG' && grep -q 'is not a plan key' '$scratch/out.txt'"
done
ADOPT="x;touch $canary" plan_job; status=$?
check "rejects an adopt that is not a plan key before any bundle call" \
  bash -c "test $status -ne 0 && ! grep -q '^bundle' '$STUB_LOG' && grep -q 'adopt entry' '$scratch/out.txt'"
check "nothing from the inputs was executed" test ! -e "$canary"

# --- the CLI installer: the checksum table in the script is the only source of truth ---
installer="$work/scripts/install-databricks-cli.sh"
version="$(sed -n 's/^VERSION="\(.*\)"$/\1/p' "$installer")"
check "the installer pins v1.12.1" test "$version" = 1.12.1
check "the table records a SHA-256 for each archive" \
  bash -c "grep -qE '^  \[linux_amd64\]=\"[0-9a-f]{64}\"$' '$installer' && grep -qE '^  \[linux_arm64\]=\"[0-9a-f]{64}\"$' '$installer'"
check "the installer downloads no checksum file" bash -c "! grep -qi 'SHA256SUMS' '$installer'"
release="$scratch/release"
mkdir -p "$release/payload"
for arch in amd64 arm64; do
  printf '#!/bin/sh\necho "Databricks CLI v%s (fake %s)"\n' "$version" "$arch" > "$release/payload/databricks"
  chmod +x "$release/payload/databricks"
  (cd "$release/payload" && zip -q "$release/databricks_cli_${version}_linux_${arch}.zip" databricks)
done
amd64_sum="$(sha256sum "$release/databricks_cli_${version}_linux_amd64.zip" | cut -c1-64)"
arm64_sum="$(sha256sum "$release/databricks_cli_${version}_linux_arm64.zip" | cut -c1-64)"
mkdir -p "$scratch/arm-bin" "$scratch/amd-bin"
printf '#!/bin/sh\n[ "$1" = -m ] && echo aarch64 || echo Linux\n' > "$scratch/arm-bin/uname"
printf '#!/bin/sh\n[ "$1" = -m ] && echo x86_64 || echo Linux\n' > "$scratch/amd-bin/uname"
chmod +x "$scratch/arm-bin/uname" "$scratch/amd-bin/uname"
install_cli() { # table-amd64 table-arm64 PATH-prefix [script]
  local script="$scratch/install.sh"
  sed -e "s/\[linux_amd64\]=\"[0-9a-f]*\"/[linux_amd64]=\"$1\"/" \
      -e "s/\[linux_arm64\]=\"[0-9a-f]*\"/[linux_arm64]=\"$2\"/" "${4:-$installer}" > "$script"
  rm -rf "$scratch/cli"
  PATH="$3:$PATH" CLI_DOWNLOAD_BASE="file://$release" INSTALL_DIR="$scratch/cli" GITHUB_PATH="" \
    bash "$script" > "$scratch/out.txt" 2>&1
}
install_cli "" "" "$scratch/amd-bin"; status=$?
check "the installer refuses without a recorded checksum" bash -c "test $status -ne 0 && test ! -e '$scratch/cli/databricks'"
check "the refusal names the archive" out_has "no verified SHA-256 for databricks_cli_1.12.1_linux_amd64.zip"
install_cli "$arm64_sum" "$arm64_sum" "$scratch/amd-bin"; status=$?
check "the installer refuses an archive that does not match" bash -c "test $status -ne 0 && test ! -e '$scratch/cli/databricks'"
(PATH="$scratch/amd-bin:$PATH" CLI_DOWNLOAD_BASE="file://$release" INSTALL_DIR="$scratch/cli" GITHUB_PATH="" \
  bash "$installer") > "$scratch/out.txt" 2>&1; status=$?
check "the committed table refuses an archive it did not record" bash -c "test $status -ne 0 && grep -q 'does not match the SHA-256 recorded' '$scratch/out.txt' && test ! -e '$scratch/cli/databricks'"
install_cli "$amd64_sum" "" "$scratch/amd-bin"; status=$?
check "the installer installs a matching amd64 archive" bash -c "test $status -eq 0 && '$scratch/cli/databricks' | grep -q 'v1.12.1 (fake amd64)'"
install_cli "" "$arm64_sum" "$scratch/arm-bin"; status=$?
check "the installer picks the arm64 archive on aarch64" bash -c "test $status -eq 0 && '$scratch/cli/databricks' | grep -q 'v1.12.1 (fake arm64)'"
check "the stub reports the pinned version" test "$(databricks --version)" = "Databricks CLI v$version"

echo "${passed} passed, ${failed} failed"
[[ "$failed" -eq 0 ]]
