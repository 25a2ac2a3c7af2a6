#!/usr/bin/env bash
# Installs the pinned Databricks CLI (0.287.0 or newer knows postgres_* bundle resources),
# verifying the archive against the release's SHA-256 list. Env: INSTALL_DIR (default ~/.local/bin).
set -euo pipefail
VERSION="0.287.0"
dir="${INSTALL_DIR:-$HOME/.local/bin}"
base="https://github.com/databricks/cli/releases/download/v${VERSION}"
archive="databricks_cli_${VERSION}_linux_amd64.zip"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
curl -fsSL --retry 3 -o "$work/$archive" "$base/$archive"
curl -fsSL --retry 3 -o "$work/SHA256SUMS" "$base/databricks_cli_${VERSION}_SHA256SUMS"
(cd "$work" && grep " ${archive}\$" SHA256SUMS | sha256sum --check --strict -)
mkdir -p "$dir"
unzip -q -o "$work/$archive" databricks -d "$dir"
chmod +x "$dir/databricks"
if [[ -n "${GITHUB_PATH:-}" ]]; then
  echo "$dir" >> "$GITHUB_PATH"
fi
"$dir/databricks" --version
