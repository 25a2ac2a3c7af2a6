#!/usr/bin/env bash
# Fails fast, before any build or Databricks call, when the workflow inputs are not valid ids.
# Env: PROJECT_NAME (required), CUSTOM_BRANCHES (optional, comma-separated).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
validate_inputs
echo "Inputs are valid: project ${PROJECT_NAME}, extra branches: $(joined_branches)"
