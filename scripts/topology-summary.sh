#!/usr/bin/env bash
# Prints the topology in resources/lakebase.yml as Markdown with a Mermaid diagram:
# project -> branches -> endpoints. Usage: topology-summary.sh PROJECT_NAME
set -euo pipefail
source "$(dirname "$0")/lib.sh"
project="${1:?project name}"
[[ -s "$BUNDLE_FILE" ]] || die "resources/lakebase.yml is missing; run scripts/generate.sh first"

echo "### Lakebase topology: \`${project}\`"
echo
echo '```mermaid'
echo 'flowchart LR'
echo "  project[\"project ${project}\"]"
# The file is LakeForge's own deterministic output, so a line-oriented read is enough.
awk '
  /^  postgres_branches:/  { section = "branches"; next }
  /^  postgres_endpoints:/ { section = "endpoints"; next }
  /^  [a-z_]+:/            { section = "" }
  section == "branches" && /^    [a-z0-9_]+:$/ { key = $1; sub(":", "", key); next }
  section == "branches" && $1 == "branch_id:"   { id[key] = $2; order[++n] = key; next }
  section == "branches" && $1 == "source_branch:" { split($2, p, "."); from[key] = p[3]; next }
  section == "branches" && $1 == "ttl:"          { life[key] = "ttl " $2; next }
  section == "branches" && $1 == "is_protected:" { prot[key] = ", protected"; next }
  section == "endpoints" && $1 == "parent:"      { split($2, p, "."); parent = p[3]; next }
  section == "endpoints" && $1 == "endpoint_id:" { eps[parent] = eps[parent] " " $2; next }
  END {
    for (i = 1; i <= n; i++) {
      k = order[i]
      src = (k in from) ? from[k] : ""
      label = "branch " id[k] ((k in life) ? " (" life[k] prot[k] ")" : (prot[k] != "" ? " (protected)" : ""))
      printf "  %s[\"%s\"]\n", k, label
      if (src != "") printf "  %s -->|branched from| %s\n", src, k
      else printf "  project --> %s\n", k
      printf "  %s --> %s_primary([\"primary: read-write\"])\n", k, k
      m = split(eps[k], e, " ")
      for (j = 1; j <= m; j++) printf "  %s --> %s_%s([\"%s: read-only\"])\n", k, k, e[j], e[j]
    }
  }
' "$BUNDLE_FILE"
echo '```'
