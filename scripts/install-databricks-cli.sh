#!/usr/bin/env bash
# Installs the pinned Databricks CLI for this runner's architecture (linux amd64 or arm64) and
# checks the archive against the SHA-256 written below. That table is the only source of truth:
# a checksum file downloaded from the same release would prove nothing, so none is fetched.
# Env: INSTALL_DIR (default ~/.local/bin); CLI_DOWNLOAD_BASE (default: the GitHub release).
set -euo pipefail
VERSION="1.12.1"

# SHA-256 of databricks_cli_${VERSION}_linux_<arch>.zip as two independent public records give
# them: the Homebrew formula of the CLI at 1.12.1 and another project's pinned install (see
# docs/operations.md, "Upgrade the Databricks CLI", for how a new release is checked).
# An empty entry means nobody has recorded a verified checksum yet: the install refuses.
declare -A SHA256=(
  [linux_amd64]="60833feee22caa98f575c4948ccbbc9473fda0dd80c9b79544dc7b079f6a9815"
  [linux_arm64]="8c2a3acd5f563fd8e3c9e64ee4566e1ec7cef087934fd4fb099d92b709f7e3a2"
)

die() { echo "error: $*" >&2; exit 1; }

case "$(uname -s)" in
  Linux) os=linux ;;
  *) die "only Linux runners are supported (uname -s: $(uname -s))" ;;
esac
case "$(uname -m)" in
  x86_64|amd64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) die "unsupported architecture $(uname -m); supported: x86_64 (amd64), aarch64 (arm64)" ;;
esac

platform="${os}_${arch}"
archive="databricks_cli_${VERSION}_${platform}.zip"
expected="${SHA256[$platform]:-}"
if [[ ! "$expected" =~ ^[0-9a-f]{64}$ ]]; then
  die "no verified SHA-256 for ${archive} is recorded in scripts/install-databricks-cli.sh." \
    "Record it in the SHA256 table (docs/operations.md, \"Upgrade the Databricks CLI\") before deploying."
fi

base="${CLI_DOWNLOAD_BASE:-https://github.com/databricks/cli/releases/download/v${VERSION}}"
dir="${INSTALL_DIR:-$HOME/.local/bin}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

curl -fsSL --retry 3 -o "$work/$archive" "$base/$archive"
echo "${expected}  ${work}/${archive}" | sha256sum --check --strict --quiet - \
  || die "${archive} does not match the SHA-256 recorded for ${platform}; not installing it."
mkdir -p "$dir"
unzip -q -o "$work/$archive" databricks -d "$dir"
chmod +x "$dir/databricks"
if [[ -n "${GITHUB_PATH:-}" ]]; then
  echo "$dir" >> "$GITHUB_PATH"
fi
"$dir/databricks" --version
