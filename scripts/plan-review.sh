#!/usr/bin/env bash
# Reads a plan written by `databricks bundle plan -o json` (direct engine) and prints a summary
# for reviewers: what is created, updated, recreated, deleted. Then it applies the delete guard:
#   plan-review.sh deploy PLAN_JSON   deletes or recreates of projects, branches or databases
#                                     fail unless ALLOW_DELETES names each of them (plan keys)
#   plan-review.sh destroy PLAN_JSON  fails when the plan deletes nothing (no deployment under
#                                     this project_name) or would delete a protected branch
# Exit status 0: the plan may be applied; 1: refused (the summary says why and what to do).
# Env: PROJECT_NAME; ALLOW_DELETES (deploy); DELETE_GUARD=report prints findings without failing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mode="${1:-}"
plan="${2:-}"
case "$mode" in deploy|destroy) ;; *) die "usage: plan-review.sh deploy|destroy PLAN_JSON" ;; esac
[[ -s "$plan" ]] || die "no plan at $(shown "$plan")"
validate_allow_deletes

jq -e 'type == "object" and (.plan | type == "object" or . == null)' "$plan" > /dev/null 2>&1 \
  || die "$(shown "$plan") is not a bundle plan in JSON."
# plan_version 2 is written only by the direct engine, the only engine whose plan `deploy --plan` applies.
version="$(jq -r '.plan_version // 0' "$plan")"
[[ "$version" == "2" ]] || die "the plan has plan_version ${version}, not 2: it was not made by the direct engine (databricks.yml sets bundle.engine: direct)."

# One line per top-level resource: key <TAB> action <TAB> gone <TAB> protected.
# Child nodes such as postgres_projects.p.permissions are counted, not listed.
rows="$(jq -r '
  (.plan // {}) | to_entries[]
  | (.key | ltrimstr("resources.")) as $k
  | select(($k | split(".") | length) == 2)
  | [$k, (.value.action // "skip"), ((.value.gone // false) | tostring),
     ((.value.remote_state.status.is_protected // false) | tostring)] | @tsv' "$plan" | LC_ALL=C sort)"
counts="$(jq -r '
  [(.plan // {})[] | .action // "skip"] as $a
  | [([$a[] | select(. == "create" or . == "recreate")] | length),
     ([$a[] | select(. == "update" or . == "update_id" or . == "resize")] | length),
     ([$a[] | select(. == "delete" or . == "recreate")] | length),
     ([$a[] | select(. == "skip" or . == "")] | length)]
  | "Plan: \(.[0]) to add, \(.[1]) to change, \(.[2]) to delete, \(.[3]) unchanged"' "$plan")"

keys_with() { # action [gone]
  awk -F'\t' -v a="$1" -v g="${2:-}" '$2 == a && (g == "" || $3 == g) { print $1 }' <<< "$rows"
}
list() { # title keys...
  local title="$1"; shift
  [[ $# -gt 0 ]] || return 0
  echo "**${title}** ($#)"
  echo
  printf -- '- `%s`\n' "$@"
  echo
}
mapfile -t created < <(keys_with create)
mapfile -t updated < <(keys_with update; keys_with update_id; keys_with resize)
mapfile -t recreated < <(keys_with recreate)
mapfile -t deleted < <(keys_with delete false)
mapfile -t gone < <(keys_with delete true)

problems=()
if [[ "$mode" == deploy ]]; then
  # Data lives in projects, branches and databases; these are the deletes that lose it.
  mapfile -t guarded < <(printf '%s\n' "${recreated[@]}" "${deleted[@]}" \
    | grep -E '^postgres_(projects|branches|databases)\.' | LC_ALL=C sort -u || true)
  for key in "${guarded[@]}"; do
    if ! printf '%s\n' "${ALLOWED[@]}" | grep -qxF -- "$key"; then
      problems+=("\`${key}\` would be deleted or recreated, losing its data, and allow_deletes does not name it.")
    fi
  done
  for key in "${ALLOWED[@]}"; do
    if ! printf '%s\n' "${guarded[@]}" | grep -qxF -- "$key"; then
      problems+=("allow_deletes names \`${key}\`, which this plan does not delete or recreate: remove it.")
    fi
  done
  if [[ ${#problems[@]} -gt 0 && ${#guarded[@]} -gt 0 ]]; then
    allow="$(IFS=','; echo "${guarded[*]}")"
    problems+=("If these deletions are intended, run the workflow again with allow_deletes: \`${allow}\`.")
  fi
else
  if [[ ${#deleted[@]} -eq 0 && ${#gone[@]} -eq 0 ]]; then
    problems+=("Nothing is deployed under project_name \`${PROJECT_NAME:-?}\` (no bundle state at its root path): check the name. A destroy that finds nothing fails instead of passing.")
  fi
  others="$(awk -F'\t' 'NF > 0 && $2 != "delete" { print $1 " (" $2 ")" }' <<< "$rows")"
  if [[ -n "$others" ]]; then
    problems+=("A destroy plan must only delete, but it also has: ${others//$'\n'/, }.")
  fi
  mapfile -t protected < <(awk -F'\t' '$2 == "delete" && $4 == "true" { print $1 }' <<< "$rows")
  for key in "${protected[@]}"; do
    problems+=("\`${key}\` is a protected branch: Lakebase deletes neither it nor its project. Unprotect it first (docs/operations.md, \"Protected branches\"), then run destroy again.")
  done
fi

if [[ "$mode" == deploy ]]; then
  echo "### Deploy plan for \`${PROJECT_NAME:-?}\`"
else
  echo "### Destroy plan for \`${PROJECT_NAME:-?}\`"
fi
echo
echo "\`${counts}\`"
echo
list "Create" "${created[@]}"
list "Update in place" "${updated[@]}"
list "Recreate (delete, then create: the data is lost)" "${recreated[@]}"
list "Delete" "${deleted[@]}"
list "Forget (already gone remotely; only the state entry is removed)" "${gone[@]}"
if [[ ${#problems[@]} -gt 0 ]]; then
  if [[ "${DELETE_GUARD:-enforce}" == report ]]; then
    echo "**A deploy of this plan would stop:**"
  else
    echo "**Refused:**"
  fi
  echo
  printf -- '- %s\n' "${problems[@]}"
  echo
  [[ "${DELETE_GUARD:-enforce}" == report ]] && exit 0
  exit 1
fi
echo "The plan passes the delete guard."
