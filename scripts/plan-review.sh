#!/usr/bin/env bash
# Reads a plan written by `databricks bundle plan -o json` (direct engine) and prints a summary
# for reviewers: what is created, updated, recreated, deleted. Then it applies the delete guard:
#   plan-review.sh deploy PLAN_JSON   fails unless ALLOW_DELETES names (plan keys) each change that
#                                     loses data: a delete or recreate of a project, branch, role
#                                     (what it owns goes with it) or database, and an update that
#                                     makes a branch expire (ttl or expire_time set or changed,
#                                     no_expiry dropped) or drops its protection
#   plan-review.sh destroy PLAN_JSON  fails when the plan deletes nothing (no deployment under
#                                     this project_name), would delete a protected branch or one
#                                     whose protection could not be read, or a resource that the
#                                     committed resources/lakebase.yml marks prevent_destroy
# The CLI adds the identity that plans as CAN_MANAGE to the project's permissions (it cannot be
# turned off); a permissions update that is only that self-grant of PLANNED_BY is shown as such
# and not counted: the apply job plans again as the deploy principal and applies that plan.
# A create of a resource that already exists (EXISTING: "key<TAB>name" lines from
# find_existing_creates; an apply stopped midway) fails unless ADOPT names it: the apply job then
# binds it to the bundle as it is, and nothing is created or deleted for it.
# Exit status 0: the plan may be applied; 1: refused (the summary says why and what to do).
# Env: PROJECT_NAME; ALLOW_DELETES, ADOPT, EXISTING (deploy); PLANNED_BY (default DATABRICKS_CLIENT_ID);
#      DELETE_GUARD=report prints findings without failing.
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

planned_by="${PLANNED_BY:-${DATABRICKS_CLIENT_ID:-}}"
# The permissions nodes whose only change is the CLI's CAN_MANAGE for the identity that planned.
self_grant="$(jq -r --arg me "$planned_by" '
  (.plan // {}) | to_entries[]
  | select((.key | endswith(".permissions")) and .value.action == "update" and $me != "")
  | select((.value.changes // {}) | to_entries
      | length > 0 and all(.key == "[service_principal_name=\u0027\($me)\u0027].level"
          or .key == "[user_name=\u0027\($me)\u0027].level"))
  | .key | ltrimstr("resources.")' "$plan")"
# One line per top-level resource: key <TAB> action <TAB> gone <TAB> protected <TAB> readable.
# protected is true, false or unknown (the CLI could not read the branch: it only warns then).
# Child nodes such as postgres_projects.p.permissions are counted, not listed.
rows="$(jq -r '
  (.plan // {}) | to_entries[]
  | (.key | ltrimstr("resources.")) as $k
  | select(($k | split(".") | length) == 2)
  | [$k, (.value.action // "skip"), ((.value.gone // false) | tostring),
     (if .value.remote_state == null then "unknown"
      else ((.value.remote_state.status.is_protected // false) | tostring) end)] | @tsv' "$plan" | LC_ALL=C sort)"
# Branch updates that lose data later: key <TAB> what happens.
doomed="$(jq -r '
  (.plan // {}) | to_entries[]
  | select((.key | startswith("resources.postgres_branches.")) and .value.action == "update")
  | (.key | ltrimstr("resources.")) as $k | (.value.changes // {}) as $c
  | (.value.new_state.value // {}) as $new
  | ( if ($c.no_expiry.old == true and ($new.no_expiry // false) != true)
        or (($c.ttl.new // null) != null and $c.ttl.new != $c.ttl.old)
        or (($c.expire_time.new // null) != null and $c.expire_time.new != $c.expire_time.old)
      then [$k, "would expire (ttl or expire_time set, no_expiry dropped): Lakebase deletes it, with its data, when it expires"] | @tsv
      else empty end ),
    ( if $c.is_protected.old == true and ($new.is_protected // false) != true
      then [$k, "would lose its protection: it could then be deleted or reset"] | @tsv
      else empty end )' "$plan" | LC_ALL=C sort)"
counts="$(jq -r --arg skip "$self_grant" '
  ($skip | split("\n")) as $own
  | [(.plan // {}) | to_entries[]
     | if ((.key | ltrimstr("resources.")) as $k | $own | index([$k])) then "skip"
       else .value.action // "skip" end] as $a
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
existing=""
[[ -n "${EXISTING:-}" && -s "${EXISTING:-}" ]] && existing="$(cat "$EXISTING")"
mapfile -t created < <(keys_with create | { grep -vxF -f <(cut -f1 <<< "$existing" | sed '/^$/d') || true; })
mapfile -t found < <(cut -f1 <<< "$existing" | sed '/^$/d')
mapfile -t updated < <(keys_with update; keys_with update_id; keys_with resize)
mapfile -t doomed_keys < <(cut -f1 <<< "$doomed" | sed '/^$/d' | LC_ALL=C sort -u)
mapfile -t recreated < <(keys_with recreate)
mapfile -t deleted < <(keys_with delete false)
mapfile -t gone < <(keys_with delete true)

problems=()
if [[ "$mode" == deploy ]]; then
  # Data lives in projects, branches and databases, and a role owns objects in them (Lakebase
  # drops a role without reassigning what it owns); these are the deletes that lose it.
  mapfile -t removed < <(printf '%s\n' "${recreated[@]}" "${deleted[@]}" \
    | grep -E '^postgres_(projects|branches|roles|databases)\.' | LC_ALL=C sort -u || true)
  mapfile -t guarded < <(printf '%s\n' "${removed[@]}" "${doomed_keys[@]}" | sed '/^$/d' | LC_ALL=C sort -u)
  for key in "${guarded[@]}"; do
    printf '%s\n' "${ALLOWED[@]}" | grep -qxF -- "$key" && continue
    if printf '%s\n' "${removed[@]}" | grep -qxF -- "$key"; then
      if [[ "$key" == postgres_roles.* ]]; then
        problems+=("\`${key}\` would be deleted or recreated: what the role owns (tables, the database it owns) is dropped or orphaned with it, and allow_deletes does not name it.")
      else
        problems+=("\`${key}\` would be deleted or recreated, losing its data, and allow_deletes does not name it.")
      fi
    fi
    while IFS=$'\t' read -r k why; do
      [[ "$k" == "$key" ]] && problems+=("\`${key}\` ${why}, and allow_deletes does not name it.")
    done <<< "$doomed"
  done
  for key in "${ALLOWED[@]}"; do
    if ! printf '%s\n' "${guarded[@]}" | grep -qxF -- "$key"; then
      problems+=("allow_deletes names \`${key}\`, which this plan does not delete or recreate: remove it.")
    fi
  done
  for key in "${found[@]}"; do
    printf '%s\n' "${ADOPTED[@]}" | grep -qxF -- "$key" && continue
    problems+=("\`${key}\` ($(grep -F "${key}"$'\t' <<< "$existing" | cut -f2)) exists in the workspace but not in the bundle state: an earlier apply stopped after creating it. To take it over as it is (nothing deleted), run again with adopt: \`$(IFS=','; echo "${found[*]}")\` (docs/operations.md, \"An apply that stopped midway\").")
  done
  for key in "${ADOPTED[@]}"; do
    printf '%s\n' "${found[@]}" | grep -qxF -- "$key" \
      || problems+=("adopt names \`${key}\`, which this plan does not create over an existing resource: remove it.")
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
  mapfile -t protected < <(awk -F'\t' '$1 ~ /^postgres_branches\./ && $2 == "delete" && $3 == "false" && $4 == "true" { print $1 }' <<< "$rows")
  for key in "${protected[@]}"; do
    problems+=("\`${key}\` is a protected branch: Lakebase deletes neither it nor its project. Unprotect it first (docs/operations.md, \"Protected branches\"), then run destroy again.")
  done
  mapfile -t unread < <(awk -F'\t' '$1 ~ /^postgres_branches\./ && $2 == "delete" && $3 == "false" && $4 == "unknown" { print $1 }' <<< "$rows")
  for key in "${unread[@]}"; do
    problems+=("\`${key}\`: the plan could not read the branch (the CLI only warns then), so nobody knows whether it is protected. Check the plan principal's access (CAN_USE on the project) and the job log, then run destroy again.")
  done
  # The destroy plans an empty bundle, so the CLI never sees lifecycle.prevent_destroy: check it
  # against the topology committed on this branch.
  mapfile -t kept < <(prevent_destroy_keys "$ROOT/resources/lakebase.yml")
  for key in "${kept[@]}"; do
    if printf '%s\n' "${deleted[@]}" | grep -qxF -- "$key"; then
      problems+=("\`${key}\` has lifecycle.prevent_destroy in the committed resources/lakebase.yml: remove it in a reviewed pull request (for a branch, drop protect = true in the topology) and deploy, then run destroy again.")
    fi
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
list "Adopt (exists in the workspace, not in the bundle state: bound as it is)" "${found[@]}"
list "Update in place" "${updated[@]}"
if [[ -n "$doomed" ]]; then
  echo "**Updates that lose data later**"
  echo
  while IFS=$'\t' read -r k why; do printf -- '- `%s` %s\n' "$k" "$why"; done <<< "$doomed"
  echo
fi
if [[ -n "$self_grant" ]]; then
  printf 'Not counted: the CLI adds the identity that planned (`%s`) as CAN_MANAGE to %s. The apply job plans again as the deploy principal and applies that plan, in which this identity keeps the level the topology declares.\n\n' \
    "$planned_by" "$(sed 's/.*/`&`/' <<< "$self_grant" | paste -sd, -)"
fi
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
