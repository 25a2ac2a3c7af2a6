#!/usr/bin/env bash
# Fails fast, before any build or Databricks call (in a job without a token), when the workflow
# inputs are not valid ids or a principal the bundle names is not set.
# Env: PROJECT_NAME (required), CUSTOM_BRANCHES (optional, comma-separated),
#      BUNDLE_VAR_{deploy,plan,preview,app}_principal (from repository variables).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
validate_inputs
validate_principals
echo "Inputs are valid: project ${PROJECT_NAME}, extra branches: $(joined_branches)"
