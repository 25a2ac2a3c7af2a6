#!/usr/bin/env bash
# Runs the delivery scripts as the workflows do, in a scratch copy of the repository, against a
# stub `databricks` on PATH that records its calls. Ends with "N passed, N failed".
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# A copy of the repository's files (tracked, or new and not ignored) as they are in the work tree.
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) \
  | tar -xf - -C "$scratch"
mkdir -p "$scratch/stub-bin"
cp "$here/databricks-stub" "$scratch/stub-bin/databricks"
export PATH="$scratch/stub-bin:$PATH"
export STUB_LOG="$scratch/stub.log"
export DATABRICKS_AUTH_TYPE=github-oidc
canary="$scratch/pwned"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; }
check() { local name="$1"; shift; if "$@"; then ok "$name"; else fail "$name"; fi; }
calls() { [[ -f "$STUB_LOG" ]] && cut -d'|' -f1 "$STUB_LOG" | paste -sd';' - || echo ""; }

# Runs the steps of a workflow job in order, as the job does, in a fresh environment.
run_steps() {
  local gh="$scratch/gh"
  rm -rf "$gh" "$STUB_LOG"; mkdir -p "$gh"
  export GITHUB_ENV="$gh/env" GITHUB_STEP_SUMMARY="$gh/summary"
  : > "$GITHUB_ENV"; : > "$GITHUB_STEP_SUMMARY"
  (
    cd "$scratch" || exit 1
    scripts/validate-inputs.sh && scripts/generate.sh && scripts/bundle.sh "$1"
  ) > "$scratch/out.txt" 2>&1
}

# --- deploy: validate -> plan -> deploy, with the variable set and the file present ---
export PROJECT_NAME=proj-a CUSTOM_BRANCHES=" feature-x ,feature-y"
unset CONFIRM_PROJECT_NAME LAKEFORGE_ACTION
run_steps deploy; status=$?
check "deploy succeeds" test "$status" -eq 0
check "deploy calls validate, plan, deploy in order" test "$(calls)" = "bundle validate;bundle plan;bundle deploy"
check "every call sees BUNDLE_VAR_project_name" test "$(grep -c 'BUNDLE_VAR_project_name=proj-a|' "$STUB_LOG")" -eq 3
check "every call sees the generated file" bash -c "test -s '$STUB_LOG' && ! grep -q 'yaml=missing' '$STUB_LOG'"
check "the extra branches are in the topology" grep -q "branch_id: feature-y" "$scratch/resources/lakebase.yml"
check "the job exports BUNDLE_VAR_project_name" grep -qx "BUNDLE_VAR_project_name=proj-a" "$scratch/gh/env"
check "the summary shows the topology diagram" grep -q "flowchart LR" "$scratch/gh/summary"
check "the summary shows the plan line" grep -q "Plan: 7 to add, 0 to change, 0 to delete" "$scratch/gh/summary"
deploy_sha="$(grep 'bundle deploy' "$STUB_LOG" | sed 's/.*yaml=\([^|]*\).*/\1/')"

# --- destroy: same inputs regenerate the same topology; plan shown before destroy ---
export CONFIRM_PROJECT_NAME=proj-a LAKEFORGE_ACTION=destroy
echo "# stale" > "$scratch/resources/lakebase.yml"
run_steps destroy; status=$?
check "destroy succeeds with confirmation" test "$status" -eq 0
check "destroy calls validate, plan, destroy --auto-approve" test "$(calls)" = "bundle validate;bundle plan;bundle destroy --auto-approve"
destroy_sha="$(grep 'bundle destroy' "$STUB_LOG" | sed 's/.*yaml=\([^|]*\).*/\1/')"
check "destroy regenerated the same topology as the deploy" test "$deploy_sha" = "$destroy_sha"

# --- destroy refuses without the confirmation, before any build or call ---
for confirm in "" "proj-b" "PROJ-A"; do
  export CONFIRM_PROJECT_NAME="$confirm"
  echo "# untouched" > "$scratch/resources/lakebase.yml"
  run_steps destroy; status=$?
  check "destroy refuses confirm='$confirm'" test "$status" -ne 0
  check "no databricks call without confirmation ('$confirm')" test ! -e "$STUB_LOG"
  check "no generation without confirmation ('$confirm')" grep -qx "# untouched" "$scratch/resources/lakebase.yml"
  check "the refusal says what to type ('$confirm')" grep -q 'set confirm to the project name ("proj-a")' "$scratch/out.txt"
done
unset CONFIRM_PROJECT_NAME LAKEFORGE_ACTION

# --- bad inputs fail before any databricks call, and nothing from them runs ---
long="a$(printf '1%.0s' {1..63})"
bad_values=("Bad Name" "a,,b" "$long" 'x;rm -rf /' "\$(touch $canary)" "\`touch $canary\`" "feature,production" "dev
prod")
for value in "${bad_values[@]}"; do
  for field in PROJECT_NAME CUSTOM_BRANCHES; do
    if [[ "$field" == PROJECT_NAME && "$value" == "a,,b" ]]; then continue; fi
    export PROJECT_NAME=proj-a CUSTOM_BRANCHES=""
    export "$field=$value"
    run_steps deploy; status=$?
    label="$field=$(printf '%q' "$value")"
    check "rejects $label" test "$status" -ne 0
    check "no databricks call for $label" test ! -e "$STUB_LOG"
    check "says why for $label" grep -q "^error: " "$scratch/out.txt"
  done
done
check "nothing from the inputs was executed" test ! -e "$canary"

# --- bundle.sh refuses to run without a generated file ---
export PROJECT_NAME=proj-a CUSTOM_BRANCHES=""
rm -f "$scratch/resources/lakebase.yml" "$STUB_LOG"
(cd "$scratch" && scripts/bundle.sh deploy) > "$scratch/out.txt" 2>&1; status=$?
check "bundle.sh needs the generated file" test "$status" -ne 0
check "no databricks call without the generated file" test ! -e "$STUB_LOG"

echo "${passed} passed, ${failed} failed"
[[ "$failed" -eq 0 ]]
