#!/usr/bin/env bash
# The bundle steps of the delivery workflows. Each job runs one subcommand; the plan and the
# files it was made from travel between jobs as one artifact (DELIVERY_DIR, default target/delivery).
#   bundle.sh stage         copy databricks.yml + resources/lakebase.yml to DELIVERY_DIR/bundle (no call)
#   bundle.sh plan          validate, plan -o json, summary + delete guard, write the manifest
#   bundle.sh apply         check the manifest and guard, refuse when the live plan differs,
#                           then deploy exactly the approved plan (deploy --plan)
#   bundle.sh destroy-plan  plan the destroy (an empty bundle on the same state), summary + guard
#   bundle.sh destroy       check the manifest and guard, refuse when the live plan differs,
#                           destroy, fail when the CLI found no deployment
# Env: PROJECT_NAME; BUNDLE_VAR_deploy_principal (whose home holds the state); ALLOW_DELETES;
# CONFIRM_PROJECT_NAME (destroy-plan, destroy); FORCE_LOCK=true to take over a stale lock.
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
manifest="$DELIVERY_DIR/SHA256SUMS"

need_principal() {
  [[ -n "${BUNDLE_VAR_deploy_principal:-}" ]] \
    || die "BUNDLE_VAR_deploy_principal is empty: set the repository variable DATABRICKS_DEPLOY_CLIENT_ID (docs/oidc-setup.md)."
}

write_manifest() {
  (cd "$DELIVERY_DIR" && find bundle plan.json -type f -print0 | LC_ALL=C sort -z \
    | xargs -0 sha256sum) > "$manifest"
}

check_manifest() {
  [[ -s "$manifest" && -s "$plan" ]] || die "no approved plan in ${DELIVERY_DIR}: the plan job's artifact is missing."
  (cd "$DELIVERY_DIR" && sha256sum --check --strict --quiet SHA256SUMS) \
    || die "the plan artifact differs from what the plan job wrote; not applying it."
  local listed actual
  listed="$(cut -c67- "$manifest" | LC_ALL=C sort)"
  actual="$(cd "$DELIVERY_DIR" && find bundle plan.json -type f | LC_ALL=C sort)"
  [[ "$listed" == "$actual" ]] || die "the plan artifact has files the plan job did not write; not applying it."
}

# The CLI's plan as "key action" lines, to compare an approved plan with a fresh one.
actions_of() {
  jq -r '(.plan // {}) | to_entries[] | "\(.key) \(.value.action // "skip")"' "$1" | LC_ALL=C sort
}

state_of() {
  jq -r '"lineage=\(.lineage // "") serial=\(.serial // 0)"' "$1"
}

# Plans again with the applying identity and refuses unless the result is the approved plan.
refuse_if_live_plan_differs() {
  local fresh="$DELIVERY_DIR/live-plan.json"
  (cd "$bundle_dir" && databricks bundle plan -o json) > "$fresh"
  if [[ "$(state_of "$plan")" != "$(state_of "$fresh")" || "$(actions_of "$plan")" != "$(actions_of "$fresh")" ]]; then
    {
      echo "### Stopped: the live plan differs from the approved plan"
      echo
      echo '```diff'
      diff <(state_of "$plan"; actions_of "$plan") <(state_of "$fresh"; actions_of "$fresh") || true
      echo '```'
      echo
      echo "The state or the workspace changed after the plan was approved. Run the workflow again and review the new plan."
    } | summary
    rm -f "$fresh"
    die "the live plan differs from the approved plan; nothing was applied."
  fi
  rm -f "$fresh"
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
    (cd "$bundle_dir" && databricks bundle validate)
    (cd "$bundle_dir" && databricks bundle plan -o json) > "$plan"
    status=0
    "$ROOT/scripts/plan-review.sh" deploy "$plan" | summary || status=$?
    write_manifest
    [[ $status -eq 0 ]] || die "the plan deletes or recreates data that allow_deletes does not name; see the job summary."
    echo "Planned project ${PROJECT_NAME}: $(jq -r '.plan | length' "$plan") resources in the plan."
    ;;

  apply)
    need_principal
    check_manifest
    "$ROOT/scripts/plan-review.sh" deploy "$plan" > /dev/null \
      || die "the approved plan does not pass the delete guard with this run's allow_deletes."
    refuse_if_live_plan_differs
    run_locked databricks bundle deploy --plan "$plan" --auto-approve
    echo "Applied the approved plan to project ${PROJECT_NAME}."
    ;;

  destroy-plan)
    need_principal
    # Destroy deletes what the state holds, whatever the topology says: plan an empty bundle on
    # the same state (same root path), which lists exactly those deletes. No build is needed.
    rm -rf "$DELIVERY_DIR"
    mkdir -p "$bundle_dir/resources"
    cp "$ROOT/databricks.yml" "$bundle_dir/"
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
    "$ROOT/scripts/plan-review.sh" destroy "$plan" > /dev/null || die "the approved destroy plan does not pass the guard."
    refuse_if_live_plan_differs
    run_locked databricks bundle destroy --auto-approve
    # The CLI exits 0 when the root path does not exist; for this workflow that is a failure.
    if grep -q 'No active deployment found to destroy' "$DELIVERY_DIR/cli-output.txt"; then
      die "the CLI found no deployment to destroy for project ${PROJECT_NAME}."
    fi
    echo "Destroyed project ${PROJECT_NAME}."
    ;;
esac
