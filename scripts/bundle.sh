#!/usr/bin/env bash
# The bundle steps of the delivery workflows. Each job runs one subcommand; the plan and the
# files it was made from travel between jobs as one artifact (DELIVERY_DIR, default target/delivery).
#   bundle.sh stage         copy databricks.yml + resources/lakebase.yml to DELIVERY_DIR/bundle (no call)
#   bundle.sh plan          validate, plan -o json, summary + delete guard, write the manifest
#   bundle.sh apply         check the manifest and guard, plan again as the deploy principal and
#                           refuse unless that plan is the approved one, then deploy exactly it
#                           (deploy --plan). The approved plan itself is never applied: the CLI
#                           writes the identity that planned into it as CAN_MANAGE of the project.
#   bundle.sh destroy-plan  plan the destroy (an empty bundle on the same state), summary + guard
#   bundle.sh destroy       check the manifest and guard, refuse when the live plan differs,
#                           destroy, fail when the CLI found no deployment
# Env: PROJECT_NAME; BUNDLE_VAR_{deploy,plan,preview,app}_principal (the state lives in the
# deploy principal's home); ALLOW_DELETES; CONFIRM_PROJECT_NAME (destroy-plan, destroy);
# FORCE_LOCK=true to take over a stale lock.
# The artifact between jobs is DELIVERY_DIR without hidden files: upload-artifact leaves them out,
# and the plan job removes the CLI's .databricks/ (a copy of the remote state) before the manifest.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
action="${1:-}"
case "$action" in
  stage|plan|apply|destroy-plan|destroy) ;;
  *) die "usage: bundle.sh stage|plan|apply|destroy-plan|destroy" ;;
esac
case "$action" in
  destroy-plan|destroy) LAKEFORGE_ACTION=destroy validate_inputs ;;
  *) validate_inputs ;;
esac
validate_allow_deletes
export BUNDLE_VAR_project_name="$PROJECT_NAME"
bundle_dir="$DELIVERY_DIR/bundle"
plan="$DELIVERY_DIR/plan.json"
planned_by_file="$DELIVERY_DIR/planned-by"
existing_file="$DELIVERY_DIR/existing.tsv"
manifest="$DELIVERY_DIR/SHA256SUMS"

need_principal() {
  validate_principals
}

write_manifest() {
  rm -rf "$bundle_dir/.databricks"
  (cd "$DELIVERY_DIR" && find bundle plan.json planned-by existing.tsv -type f -print0 | LC_ALL=C sort -z \
    | xargs -0 sha256sum) > "$manifest"
}

check_manifest() {
  [[ -s "$manifest" && -s "$plan" && -s "$planned_by_file" ]] || die "no approved plan in ${DELIVERY_DIR}: the plan job's artifact is missing."
  (cd "$DELIVERY_DIR" && sha256sum --check --strict --quiet SHA256SUMS) \
    || die "the plan artifact differs from what the plan job wrote; not applying it."
  local listed actual
  listed="$(cut -c67- "$manifest" | LC_ALL=C sort)"
  actual="$(cd "$DELIVERY_DIR" && find bundle plan.json planned-by existing.tsv -type f | LC_ALL=C sort)"
  [[ "$listed" == "$actual" ]] || die "the plan artifact has files the plan job did not write; not applying it."
}

# The CLI's plan as "key action" lines, to compare an approved plan with a fresh one. A
# permissions node is compared by the grants it leaves in place, without those of the identities
# given as arguments: each plan carries the CAN_MANAGE the CLI adds for whoever made it.
actions_of() {
  local file="$1"; shift
  jq -r '
    def grants: (if (.action // "skip") == "skip" or .new_state == null
                 then .remote_state.__embed__ else .new_state.value.__embed__ end) // [];
    $ARGS.positional as $own
    | (.plan // {}) | to_entries[]
    | if (.key | endswith(".permissions")) then
        "\(.key) grants \([.value | grants[]
          | select(((.service_principal_name // .user_name // "") as $p | $own | index([$p])) | not)
          | tojson] | sort | join(" "))"
      else "\(.key) \(.value.action // "skip")" end' "$file" --args "$@" | LC_ALL=C sort
}

# Refuses a plan that would give the plan principal CAN_MANAGE: it must only read.
refuse_if_plan_principal_manages() {
  local planner="$1" file="$2" found
  [[ "$planner" != "${BUNDLE_VAR_deploy_principal:-}" ]] || return 0
  found="$(jq -r --arg p "$planner" '
    (.plan // {}) | to_entries[] | select(.key | endswith(".permissions"))
    | select([(.value.new_state.value.__embed__ // .value.remote_state.__embed__ // [])[]
              | select((.service_principal_name // .user_name) == $p and .level == "CAN_MANAGE")]
             | length > 0) | .key' "$file")"
  [[ -z "$found" ]] || die "applying this plan would leave the plan principal ${planner} with CAN_MANAGE on ${found#resources.}: declare it CAN_USE in the topology (docs/oidc-setup.md)."
}

state_of() {
  jq -r '"lineage=\(.lineage // "") serial=\(.serial // 0)"' "$1"
}

# Plans again with the applying identity into $live and refuses unless the result is the
# approved plan (the same state, the same actions and grants).
live="$DELIVERY_DIR/live-plan.json"
refuse_if_live_plan_differs() {
  local planner
  planner="$(cat "$planned_by_file")"
  (cd "$bundle_dir" && databricks bundle plan -o json) > "$live"
  local approved fresh
  approved="$(state_of "$plan"; actions_of "$plan" "$planner" "${DATABRICKS_CLIENT_ID:-}")"
  fresh="$(state_of "$live"; actions_of "$live" "$planner" "${DATABRICKS_CLIENT_ID:-}")"
  if [[ "$approved" != "$fresh" ]]; then
    {
      echo "### Stopped: the live plan differs from the approved plan"
      echo
      echo '```diff'
      diff <(echo "$approved") <(echo "$fresh") || true
      echo '```'
      echo
      echo "The state or the workspace changed after the plan was approved. Run the workflow again and review the new plan."
    } | summary
    rm -f "$live"
    die "the live plan differs from the approved plan; nothing was applied."
  fi
  refuse_if_plan_principal_manages "$planner" "$live"
}

# Binds each resource in ADOPTED to the one the plan job found in the workspace, then plans again
# into $live: an adopted resource may then be updated in place, never created, deleted or recreated,
# and every other resource keeps the action that was approved.
adopt_existing() {
  local key name before
  before="$(actions_of "$live" | grep -vE "^resources\.($(IFS='|'; echo "${ADOPTED[*]//./\\.}")) " || true)"
  for key in "${ADOPTED[@]}"; do
    name="$(awk -F'\t' -v k="$key" '$1 == k { print $2 }' "$existing_file")"
    [[ -n "$name" ]] || die "adopt names ${key}, which the plan job did not find in the workspace."
    run_locked databricks bundle deployment bind "${key#*.}" "$name" --auto-approve \
      || die "binding ${key} to ${name} failed; nothing was applied."
  done
  (cd "$bundle_dir" && databricks bundle plan -o json) > "$live"
  for key in "${ADOPTED[@]}"; do
    case "$(jq -r --arg k "resources.$key" '.plan[$k].action // "skip"' "$live")" in
      create|recreate|delete) die "after binding, ${key} would still be created, recreated or deleted; the bindings stay in the state, nothing else was applied." ;;
    esac
  done
  [[ "$(actions_of "$live" | grep -vE "^resources\.($(IFS='|'; echo "${ADOPTED[*]//./\\.}")) " || true)" == "$before" ]] \
    || die "binding changed the plan of other resources; the bindings stay in the state, nothing else was applied. Run the workflow again and review the new plan."
}

lock_flag=()
if [[ "${FORCE_LOCK:-false}" == true ]]; then
  lock_flag=(--force-lock)
fi

# Runs a CLI command that takes the deployment lock; explains a held lock in the summary.
run_locked() {
  local out="$DELIVERY_DIR/cli-output.txt" status=0
  (cd "$bundle_dir" && "$@" "${lock_flag[@]}") 2>&1 | tee "$out" || status=$?
  if [[ $status -ne 0 ]] && grep -q 'deploy lock acquired by\|deploy lock force-acquired by' "$out"; then
    printf '### Stopped: the deployment lock is held\n\n```\n%s\n```\n\nIf no other run is active, follow docs/operations.md, "Stale deployment lock".\n' \
      "$(grep -m1 'deploy lock' "$out")" | summary
  fi
  return "$status"
}

case "$action" in
  stage)
    [[ -s "$BUNDLE_FILE" ]] || die "resources/lakebase.yml is missing; run scripts/generate.sh first"
    rm -rf "$DELIVERY_DIR"
    mkdir -p "$bundle_dir/resources"
    cp "$ROOT/databricks.yml" "$bundle_dir/"
    cp "$BUNDLE_FILE" "$bundle_dir/resources/"
    echo "Staged the bundle for project ${PROJECT_NAME} in ${bundle_dir}"
    ;;

  plan)
    need_principal
    [[ -s "$bundle_dir/resources/lakebase.yml" ]] || die "no staged bundle in ${bundle_dir}: the generate job's artifact is missing."
    rm -f "$plan" "$manifest"
    printf '%s\n' "${DATABRICKS_CLIENT_ID:-}" > "$planned_by_file"
    (cd "$bundle_dir" && databricks bundle validate)
    (cd "$bundle_dir" && databricks bundle plan -o json) > "$plan"
    find_existing_creates "$plan" > "$existing_file"
    status=0
    EXISTING="$existing_file" "$ROOT/scripts/plan-review.sh" deploy "$plan" | summary || status=$?
    write_manifest
    [[ $status -eq 0 ]] || die "the plan deletes or recreates data that allow_deletes does not name; see the job summary."
    echo "Planned project ${PROJECT_NAME}: $(jq -r '.plan | length' "$plan") resources in the plan."
    ;;

  apply)
    need_principal
    check_manifest
    PLANNED_BY="$(cat "$planned_by_file")" EXISTING="$existing_file" \
      "$ROOT/scripts/plan-review.sh" deploy "$plan" > /dev/null \
      || die "the approved plan does not pass the delete guard with this run's allow_deletes and adopt."
    refuse_if_live_plan_differs
    if [[ ${#ADOPTED[@]} -gt 0 ]]; then
      adopt_existing
    fi
    run_locked databricks bundle deploy --plan "$live" --auto-approve
    echo "Applied the approved plan to project ${PROJECT_NAME} (as planned again by the deploy principal)."
    ;;

  destroy-plan)
    need_principal
    # Destroy deletes what the state holds, whatever the topology says: plan an empty bundle on
    # the same state (same root path), which lists exactly those deletes. No build is needed.
    rm -rf "$DELIVERY_DIR"
    mkdir -p "$bundle_dir/resources"
    cp "$ROOT/databricks.yml" "$bundle_dir/"
    printf '%s\n' "${DATABRICKS_CLIENT_ID:-}" > "$planned_by_file"
    : > "$existing_file"
    (cd "$bundle_dir" && databricks bundle validate)
    (cd "$bundle_dir" && databricks bundle plan -o json) > "$plan"
    status=0
    "$ROOT/scripts/plan-review.sh" destroy "$plan" | summary || status=$?
    write_manifest
    [[ $status -eq 0 ]] || die "destroy refused; see the job summary."
    ;;

  destroy)
    need_principal
    check_manifest
    PLANNED_BY="$(cat "$planned_by_file")" "$ROOT/scripts/plan-review.sh" destroy "$plan" > /dev/null \
      || die "the approved destroy plan does not pass the guard."
    refuse_if_live_plan_differs
    run_locked databricks bundle destroy --auto-approve
    # The CLI exits 0 when the root path does not exist; for this workflow that is a failure.
    if grep -q 'No active deployment found to destroy' "$DELIVERY_DIR/cli-output.txt"; then
      die "the CLI found no deployment to destroy for project ${PROJECT_NAME}."
    fi
    echo "Destroyed project ${PROJECT_NAME}."
    ;;
esac
