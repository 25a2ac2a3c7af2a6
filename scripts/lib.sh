# shellcheck shell=bash disable=SC2034
# Shared helpers for the delivery scripts. Source it; do not run it.
# Inputs arrive as environment variables (PROJECT_NAME, CUSTOM_BRANCHES, ...), never as code:
# nothing here evaluates, expands or executes an input.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUNDLE_FILE="$ROOT/resources/lakebase.yml"
# What the token-holding jobs work on: the staged bundle (databricks.yml + resources/), the plan
# (JSON, as the CLI wrote it) and a SHA-256 manifest of both. Handed between jobs as one artifact.
DELIVERY_DIR="${DELIVERY_DIR:-$ROOT/target/delivery}"
# A plan key as `bundle plan` prints it, e.g. postgres_branches.branch_dev.
PLAN_KEY_PATTERN='^postgres_[a-z_]+\.[a-z0-9_]+$'
# The rule for ids LakeForge creates, as in lakeforge-annotations LakebaseIds.java.
ID_PATTERN='^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$'

die() {
  echo "error: $*" >&2
  if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    printf '### Stopped\n\n%s\n' "$*" >> "$GITHUB_STEP_SUMMARY"
  fi
  exit 1
}

# Prints an input safely for a message: control characters made visible, quoted.
shown() {
  local s="$1"
  s="${s//\\/\\\\}"
  s="${s//$'\n'/\\n}"
  s="${s//$'\r'/\\r}"
  s="${s//$'\t'/\\t}"
  printf '"%s"' "$s"
}

check_id() {
  local what="$1" id="$2"
  if [[ ! "$id" =~ $ID_PATTERN ]]; then
    die "$what $(shown "$id") is not a valid Lakebase id: 1-63 characters, a lowercase letter, then lowercase letters, digits and hyphens, not ending in a hyphen."
  fi
}

# Validates PROJECT_NAME and CUSTOM_BRANCHES (and, when LAKEFORGE_ACTION=destroy, that
# CONFIRM_PROJECT_NAME repeats the project name); fills the BRANCHES array.
validate_inputs() {
  [[ -n "${PROJECT_NAME:-}" ]] || die "project_name is empty. Set it to the Lakebase project id, e.g. lakeforge-main."
  check_id "project_name" "$PROJECT_NAME"
  if [[ "${LAKEFORGE_ACTION:-}" == "destroy" && "${CONFIRM_PROJECT_NAME:-}" != "$PROJECT_NAME" ]]; then
    die "destroy needs confirmation: set confirm to the project name ($(shown "$PROJECT_NAME")) to destroy it."
  fi
  BRANCHES=()
  local list="${CUSTOM_BRANCHES:-}"
  if [[ "$list" == *$'\n'* || "$list" == *$'\r'* ]]; then
    die "custom_branches must be on one line."
  fi
  if [[ -n "${list//[[:space:]]/}" ]]; then
    local entry trimmed
    local -a entries
    IFS=',' read -r -a entries <<< "$list"
    if [[ "$list" == *, ]]; then
      entries+=("")
    fi
    for entry in "${entries[@]}"; do
      trimmed="${entry#"${entry%%[![:space:]]*}"}"
      trimmed="${trimmed%"${trimmed##*[![:space:]]}"}"
      [[ -n "$trimmed" ]] || die "custom_branches $(shown "$list") has an empty entry. Separate branch ids with single commas, e.g. feature-a,feature-b."
      check_id "custom branch" "$trimmed"
      [[ "$trimmed" != "production" ]] || die "custom branch \"production\" is the root branch every project already has; choose another id."
      BRANCHES+=("$trimmed")
    done
  fi
}

# The service principals the bundle names (docs/oidc-setup.md): each must be set, or the bundle
# would grant a blank principal or keep state in a blank home folder. Checked in the generate job,
# before any job that holds a token.
PRINCIPAL_VARIABLES=(deploy_principal plan_principal preview_principal app_principal)
PRINCIPAL_SOURCES=(DATABRICKS_DEPLOY_CLIENT_ID DATABRICKS_PLAN_CLIENT_ID DATABRICKS_PREVIEW_CLIENT_ID DATABRICKS_APP_CLIENT_ID)
validate_principals() {
  local i name value
  for i in "${!PRINCIPAL_VARIABLES[@]}"; do
    name="BUNDLE_VAR_${PRINCIPAL_VARIABLES[$i]}"
    value="${!name:-}"
    [[ -n "${value//[[:space:]]/}" ]] \
      || die "${name} is empty: set the repository variable ${PRINCIPAL_SOURCES[$i]} (docs/oidc-setup.md)."
    [[ "$value" =~ ^[A-Za-z0-9][A-Za-z0-9._@-]*$ ]] \
      || die "${name} $(shown "$value") is not an application id or user name (repository variable ${PRINCIPAL_SOURCES[$i]})."
  done
}

# Plan keys (postgres_x.key) of FILE, a LakeForge resource file, whose lifecycle sets
# prevent_destroy: true. The file is LakeForge's own deterministic output (two spaces a level).
prevent_destroy_keys() {
  [[ -s "$1" ]] || return 0
  awk '
    /^  [a-z_]+:$/ { section = $1; sub(":$", "", section); next }
    /^    [a-z0-9_]+:$/ { key = section "." $1; sub(":$", "", key); lifecycle = 0; next }
    /^      lifecycle:$/ { lifecycle = 1; next }
    /^      [a-z_]+:/ { lifecycle = 0; next }
    lifecycle && /^        prevent_destroy: true$/ { print key }
  ' "$1" | LC_ALL=C sort -u
}

# Validates ALLOW_DELETES (comma-separated plan keys) and fills the ALLOWED array.
validate_allow_deletes() {
  ALLOWED=()
  local list="${ALLOW_DELETES:-}" entry
  local -a entries
  if [[ "$list" == *$'\n'* || "$list" == *$'\r'* ]]; then
    die "allow_deletes must be on one line."
  fi
  [[ -n "${list//[[:space:]]/}" ]] || return 0
  IFS=',' read -r -a entries <<< "${list//[[:space:]]/}"
  for entry in "${entries[@]}"; do
    [[ "$entry" =~ $PLAN_KEY_PATTERN ]] \
      || die "allow_deletes entry $(shown "$entry") is not a plan key. Copy the keys from the plan summary, e.g. postgres_branches.branch_feature_x."
    ALLOWED+=("$entry")
  done
}

joined_branches() {
  local IFS=','
  echo "${BRANCHES[*]}"
}

summary() {
  if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    cat >> "$GITHUB_STEP_SUMMARY"
  else
    cat
  fi
}
