#!/usr/bin/env bash
# Runs the Databricks bundle commands for one action on the generated topology.
#   bundle.sh deploy   validate -> plan -> deploy
#   bundle.sh plan     validate -> plan
#   bundle.sh destroy  validate -> plan -> destroy --auto-approve (needs CONFIRM_PROJECT_NAME)
# Env: PROJECT_NAME, CUSTOM_BRANCHES (as given to generate.sh), CONFIRM_PROJECT_NAME for destroy.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
action="${1:-}"
case "$action" in
  deploy|plan|destroy) ;;
  *) die "usage: bundle.sh deploy|plan|destroy" ;;
esac
LAKEFORGE_ACTION="$action" validate_inputs
[[ -s "$BUNDLE_FILE" ]] || die "resources/lakebase.yml is missing; run scripts/generate.sh first"
cd "$ROOT"
export BUNDLE_VAR_project_name="$PROJECT_NAME"

databricks bundle validate

plan_file="$(mktemp)"
databricks bundle plan | tee "$plan_file"
{
  echo "### Bundle plan (${action})"
  echo
  line="$(grep -Ei 'plan:|to (add|create|change|update|delete|destroy)' "$plan_file" | tail -n 1 || true)"
  echo "**${line:-the plan printed no summary line; see the log}**"
  echo
  echo '<details><summary>Full plan</summary>'
  echo
  echo '```'
  cat "$plan_file"
  echo '```'
  echo '</details>'
} | summary
rm -f "$plan_file"

case "$action" in
  deploy) databricks bundle deploy ;;
  destroy) databricks bundle destroy --auto-approve ;;
  plan) ;;
esac
echo "bundle ${action} finished for project ${PROJECT_NAME}"
