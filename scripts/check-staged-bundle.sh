#!/usr/bin/env bash
# Checks a bundle that a pull request staged (the Verify run's artifact) before a job that holds a
# token hands it to the Databricks CLI (.github/workflows/plan-pr.yml). The artifact is data that the
# pull request controls: its workflow can upload anything under that name. The CLI, though, runs
# code from bundle configuration (`experimental.scripts` hooks, Python mutators), and any included
# YAML file may set top-level keys. So:
#   - the staged directory must hold exactly databricks.yml and resources/lakebase.yml: no other
#     file, no symbolic link, no hidden file;
#   - databricks.yml is never the pull request's: it is replaced by this checkout's own (the
#     default branch's) $ROOT/databricks.yml;
#   - resources/lakebase.yml must be structurally a LakeForge resource file. Line by line: blank,
#     a comment at column 0, exactly `resources:` (once, before anything else), exactly one of the
#     five `  postgres_<type>:` keys (each once), or indented by 4 spaces or more below such a key.
#     No tabs, carriage returns or other control characters, no characters that a YAML reader
#     takes for a line break (NEL, U+2028, U+2029) or a byte-order mark, no document markers
#     (---, ...), no tags (!), anchors (&) or aliases (*) where a value starts.
# Whatever else a line holds stays inside one resource of one of those five types, where the CLI's
# schema rejects unknown fields. Prints `error: ...` with the line number and exits 1 on the first
# problem; changes nothing in DIR unless every check passes.
# Usage: scripts/check-staged-bundle.sh DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh"
export LC_ALL=C

dir="${1:?usage: check-staged-bundle.sh DIR}"
[[ -d "$dir" && ! -L "$dir" ]] || die "staged bundle $(shown "$dir") is not a directory."
[[ "$(cd "$dir" && pwd -P)" != "$(cd "$ROOT" && pwd -P)" ]] \
  || die "check-staged-bundle.sh checks a staged copy, not the repository itself."

# 1. Exactly the two files, as regular files; the one directory, as a directory.
declare -A found=()
while IFS= read -r -d '' entry; do
  type="${entry%% *}"
  name="${entry#* }"
  if [[ "/$name" == */.* ]]; then
    die "the staged bundle has a hidden file $(shown "$name"); it may hold only databricks.yml and resources/lakebase.yml."
  fi
  if [[ "$type" == l ]]; then
    die "the staged bundle has a symbolic link $(shown "$name"); it may hold only the regular files databricks.yml and resources/lakebase.yml."
  fi
  case "$type $name" in
    "d resources"|"f databricks.yml"|"f resources/lakebase.yml") found[$name]=1 ;;
    *) die "the staged bundle has an unexpected file $(shown "$name"); it may hold only databricks.yml and resources/lakebase.yml." ;;
  esac
done < <(find "$dir" -mindepth 1 -printf '%y %P\0')
for name in databricks.yml resources/lakebase.yml; do
  [[ -n "${found[$name]:-}" ]] || die "the staged bundle has no ${name}."
done

# 2. resources/lakebase.yml, line by line.
file="$dir/resources/lakebase.yml"
[[ -s "$file" ]] || die "resources/lakebase.yml is empty."
[[ "$(tr -d '\000' < "$file" | wc -c)" -eq "$(wc -c < "$file")" ]] \
  || die "resources/lakebase.yml contains NUL bytes."

# A line as a message shows it: control characters made visible, at most 80 characters.
quoted() {
  local s="$1"
  (( ${#s} <= 80 )) || s="${s:0:77}..."
  shown "$s"
}

types=" postgres_projects postgres_branches postgres_endpoints postgres_roles postgres_databases "
# A tag, an anchor or an alias where a value starts: first on the line (after the indentation),
# after a sequence dash, a key's colon, a complex-key mark or a comma followed by blanks, or just
# inside a flow collection's [ or {.
value_mark='(^|[-?:,][ ]+|[[{][ ]*)[!&*]'
c1_or_break=$'\xc2'"["$'\x80'"-"$'\x9f'"]"
state=start # start: before resources:; resources: right after it; in_type: below a resource type
declare -A seen=()
n=0
while IFS= read -r line || [[ -n "$line" ]]; do
  n=$((n + 1))
  at="resources/lakebase.yml line $n"
  [[ "$line" != *$'\t'* ]] || die "$at has a tab: $(quoted "$line"). Indent with spaces."
  [[ ! "$line" =~ [[:cntrl:]] ]] || die "$at has a control character (carriage return?): $(quoted "$line")."
  if [[ "$line" == *$c1_or_break* || "$line" == *$'\xe2\x80\xa8'* || "$line" == *$'\xe2\x80\xa9'* \
    || "$line" == *$'\xef\xbb\xbf'* ]]; then
    die "$at has a character a YAML reader takes for a line break or a byte-order mark (U+0080-U+009F, U+2028, U+2029, U+FEFF): $(quoted "$line")."
  fi
  if [[ "$line" =~ ^(---|\.\.\.)([[:space:]]|$) ]]; then
    die "$at is a YAML document marker: $(quoted "$line"). The file is one document."
  fi
  if [[ -z "${line// /}" || "$line" == '#'* ]]; then
    continue
  fi
  if [[ "$line" == 'resources:' ]]; then
    [[ "$state" == start ]] || die "$at: a second \`resources:\`."
    state=resources
    continue
  fi
  if [[ "$line" =~ ^\ \ [^\ ] ]]; then
    [[ "$state" != start ]] || die "$at comes before \`resources:\`: $(quoted "$line")."
    key="${line#  }"
    key="${key%:}"
    if [[ "$line" != "  $key:" || "$types" != *" $key "* ]]; then
      die "$at: $(quoted "$line") is not one of the resource types a LakeForge topology declares (exactly \`  postgres_projects:\`, \`  postgres_branches:\`, \`  postgres_endpoints:\`, \`  postgres_roles:\` or \`  postgres_databases:\`, nothing after the colon)."
    fi
    [[ -z "${seen[$key]:-}" ]] || die "$at: \`$key\` appears a second time."
    seen[$key]=1
    state=in_type
    continue
  fi
  if [[ "$line" == '    '* ]]; then
    [[ "$state" == in_type ]] \
      || die "$at is indented content outside a resource type: $(quoted "$line"). After \`resources:\` the next key must be one of the \`  postgres_<type>:\` keys."
    content="${line#"${line%%[! ]*}"}"
    if [[ "$content" =~ $value_mark ]]; then
      die "$at has a YAML tag, anchor or alias: $(quoted "$line")."
    fi
    continue
  fi
  if [[ "$line" == ' '* ]]; then
    die "$at is indented by neither 2 nor 4 or more spaces: $(quoted "$line")."
  fi
  die "$at: only \`resources:\` may start at column 0, found $(quoted "$line")."
done < "$file"
[[ "$state" == in_type ]] || die "resources/lakebase.yml declares no \`resources:\` with a resource type."

# 3. The default branch's databricks.yml, never the pull request's (checked above: a regular file,
# so the copy cannot write through a link).
rm -f "$dir/databricks.yml"
cp "$ROOT/databricks.yml" "$dir/databricks.yml"
echo "Staged bundle accepted: resources/lakebase.yml ($n lines) is a LakeForge resource file; databricks.yml is this checkout's."
