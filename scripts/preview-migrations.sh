#!/usr/bin/env bash
# The build job of .github/workflows/preview.yml (no token): collects the pull request's SQL
# migrations as data for the preview job. Copies only regular files named like Flyway SQL
# migrations (V<version>__<description>.sql) from <pull request checkout>/<PREVIEW_MIGRATIONS_PATH>
# into target/preview/migrations; symbolic links, other files and subdirectories are left out, so
# the pull request hands over SQL and never code.
# Usage: scripts/preview-migrations.sh PR_CHECKOUT
set -euo pipefail
source "$(dirname "$0")/lib.sh"

checkout="${1:?usage: preview-migrations.sh PR_CHECKOUT}"
relative="${PREVIEW_MIGRATIONS_PATH:-sample-infra/src/main/resources/db/migration}"
[[ "$relative" =~ ^[A-Za-z0-9_./-]+$ && "$relative" != *..* && "$relative" != /* ]] \
  || die "PREVIEW_MIGRATIONS_PATH $(shown "$relative") must be a relative path inside the repository."
out="$ROOT/target/preview/migrations"
rm -rf "$out"
mkdir -p "$out"
source_dir="$checkout/$relative"
count=0
if [[ -d "$source_dir" && ! -L "$source_dir" ]]; then
  for file in "$source_dir"/*; do
    name="$(basename "$file")"
    if [[ -f "$file" && ! -L "$file" && "$name" =~ ^V[0-9]+(_[0-9]+)*__[A-Za-z0-9_]+\.sql$ ]]; then
      cp "$file" "$out/$name"
      count=$((count + 1))
    elif [[ -e "$file" || -L "$file" ]]; then
      echo "skipped $(shown "$name"): not a regular V<version>__<name>.sql file"
    fi
  done
fi
echo "$count SQL migration(s) handed to the preview job"
