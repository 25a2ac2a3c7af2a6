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

# Reads a comma-separated list of plan keys from the variable named $1 (input name $2) into the
# array named $3.
read_plan_keys() {
  local -n keys_out="$3"
  keys_out=()
  local list="${!1:-}" entry
  local -a entries
  if [[ "$list" == *$'\n'* || "$list" == *$'\r'* ]]; then
    die "$2 must be on one line."
  fi
  [[ -n "${list//[[:space:]]/}" ]] || return 0
  IFS=',' read -r -a entries <<< "${list//[[:space:]]/}"
  for entry in "${entries[@]}"; do
    [[ "$entry" =~ $PLAN_KEY_PATTERN ]] \
      || die "$2 entry $(shown "$entry") is not a plan key. Copy the keys from the plan summary, e.g. postgres_branches.branch_feature_x."
    keys_out+=("$entry")
  done
}

# Validates ALLOW_DELETES (deletes and recreates accepted) into ALLOWED and ADOPT (resources that
# exist in the workspace but not in the bundle state, to take over as they are) into ADOPTED.
validate_allow_deletes() {
  read_plan_keys ALLOW_DELETES allow_deletes ALLOWED
  read_plan_keys ADOPT adopt ADOPTED
}

# For each resource a plan creates that already exists in the workspace (an apply stopped after
# creating it, before the CLI wrote its state): "key<TAB>name" lines. A child is looked up only
# when its parent exists (in the state, or found here), so a new project costs one call.
find_existing_creates() { # plan.json
  local key name parent kind exists
  declare -A found=()
  while IFS=$'\t' read -r key name parent; do
    [[ -n "$key" ]] || continue
    if [[ "$parent" == created:* && -z "${found[${parent#created:}]:-}" ]]; then
      continue
    fi
    kind="${key%%.*}"; kind="${kind#postgres_}"
    [[ "$kind" == branches ]] && kind=branch || kind="${kind%s}"
    exists=0
    databricks postgres "get-${kind}" "$name" -o json > /dev/null 2>&1 && exists=1
    if [[ $exists -eq 1 ]]; then
      found[$key]=1
      printf '%s\t%s\n' "$key" "$name"
    fi
  done < <(jq -r '
    (.plan // {}) as $p
    | def ref($k): $p["resources." + $k];
      def name($k):
        (ref($k)) as $e | ($e.new_state.value // {}) as $v
        | if $e.remote_state.name then $e.remote_state.name
          else ($k | split(".")[0]) as $t
          | if $t == "postgres_projects" then "projects/" + $v.project_id
            else (($v.parent // "") | if startswith("${resources.") then name(ltrimstr("${resources.") | rtrimstr(".id}")) else . end)
              + {postgres_branches: "/branches/", postgres_endpoints: "/endpoints/",
                 postgres_roles: "/roles/", postgres_databases: "/databases/"}[$t]
              + ($v[{postgres_branches: "branch_id", postgres_endpoints: "endpoint_id",
                     postgres_roles: "role_id", postgres_databases: "database_id"}[$t]] // "")
            end
          end;
    # Parents before children: projects, branches, then the rest.
    [$p | to_entries[] | (.key | ltrimstr("resources.")) as $k
     | select(($k | split(".") | length) == 2 and .value.action == "create")
     | {k: $k, o: ({postgres_projects: 0, postgres_branches: 1}[$k | split(".")[0]] // 2),
        parent: ((.value.new_state.value.parent // "") as $par
          | if ($par | startswith("${resources.")) and (ref($par | ltrimstr("${resources.") | rtrimstr(".id}")).action == "create")
            then "created:" + ($par | ltrimstr("${resources.") | rtrimstr(".id}")) else "" end)}]
    | sort_by(.o, .k)[] | [.k, name(.k), .parent] | @tsv' "$1")
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
