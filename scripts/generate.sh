#!/usr/bin/env bash
# Generates resources/lakebase.yml from the sample topology plus CUSTOM_BRANCHES, exports
# BUNDLE_VAR_project_name for later steps, and writes the topology to the job summary.
# Env: PROJECT_NAME, CUSTOM_BRANCHES; MVNW (default ./mvnw) to use another Maven.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
validate_inputs
cd "$ROOT"

rm -f "$BUNDLE_FILE"
"${MVNW:-./mvnw}" -B -ntp -q package -DskipTests -pl lakeforge-processor,sample-infra -am \
  "-Dlakeforge.branches=$(joined_branches)" -Dlakeforge.check=false
[[ -s "$BUNDLE_FILE" ]] || die "the build did not write resources/lakebase.yml"

if [[ -n "${GITHUB_ENV:-}" ]]; then
  echo "BUNDLE_VAR_project_name=${PROJECT_NAME}" >> "$GITHUB_ENV"
fi
"$ROOT/scripts/topology-summary.sh" "$PROJECT_NAME" | summary
echo "Generated resources/lakebase.yml for project ${PROJECT_NAME}"
