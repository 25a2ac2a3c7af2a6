#!/usr/bin/env bash
# Fails when the committed resources/lakebase.yml differs from what a fresh build writes.
# Run from the repository root; builds with `./mvnw package` unless SKIP_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  ./mvnw -B -ntp -q package -DskipTests -pl sample-infra -am
fi
if ! git diff --exit-code --stat -- resources/lakebase.yml; then
  echo "resources/lakebase.yml is stale: run ./mvnw package and commit the result." >&2
  exit 1
fi
if [[ -n "$(git status --porcelain -- resources/)" ]]; then
  echo "resources/ has files that are not committed:" >&2
  git status --porcelain -- resources/ >&2
  exit 1
fi
echo "resources/lakebase.yml matches a fresh build."
