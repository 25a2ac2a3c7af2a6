#!/usr/bin/env bash
# Checks the bundle the Central Publisher Portal accepts, without publishing anything.
#
#   lakeforge-bom/check-central-bundle.sh [--unsigned] --build   # rehearse a release, then check
#   lakeforge-bom/check-central-bundle.sh [--unsigned] ZIP       # check a central-bundle.zip
#
# --build copies the working tree (tracked and new files, no target/) to target/central-rehearsal,
# sets the release version there (0.1.0-SNAPSHOT -> 0.1.0: central-publishing-maven-plugin only
# stages SNAPSHOTs, it writes the zip for releases), and runs
#   ./mvnw -B -ntp -Prelease -DskipTests -Dmaven.install.skip=true deploy
# (skipUpload is on: nothing leaves the machine; the release version is never installed).
# --unsigned passes -Dgpg.skip=true and expects no .asc files; without it every file needs one.
#
# For every artifact the BOM manages, plus lakeforge-parent, lakeforge-bom and
# lakeforge-maven-plugin: a pom; for jar modules the jar, -sources.jar and -javadoc.jar; for every
# file .md5 and .sha1 that match its content (and .asc when signed). Samples must be absent.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
signed=true
zip=
build=false
for arg in "$@"; do
  case "$arg" in
    --unsigned) signed=false ;;
    --build) build=true ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) zip=$arg ;;
  esac
done

snapshot=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$root/pom.xml" | head -1)
version=${snapshot%-SNAPSHOT}

if $build; then
  copy="$root/target/central-rehearsal"
  rm -rf "$copy"
  mkdir -p "$copy"
  (cd "$root" && git ls-files -co --exclude-standard -z | grep -zv '^target/' \
    | xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' \
    | tar --null -T - -cf - ) | tar -xf - -C "$copy"
  find "$copy" -name pom.xml -not -path '*/src/it/*' \
    -exec sed -i "s:<version>$snapshot</version>:<version>$version</version>:" {} +
  gpg=()
  $signed || gpg=(-Dgpg.skip=true)
  start=$(date +%s)
  (cd "$copy" && ./mvnw -B -ntp -q -Prelease -DskipTests -Dmaven.install.skip=true \
    "${gpg[@]}" deploy)
  echo "rehearsal build: $(( $(date +%s) - start )) s"
  zip="$copy/target/central-publishing/central-bundle.zip"
fi
[ -n "$zip" ] || { echo "usage: $0 [--unsigned] (--build | ZIP)" >&2; exit 2; }
[ -f "$zip" ] || { echo "no bundle at $zip" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && jar xf "$zip")

problems=0
problem() { echo "MISSING/BAD: $*"; problems=$((problems + 1)); }

managed=$(sed -n 's:.*<artifactId>\(lakeforge-[a-z-]*\)</artifactId>.*:\1:p' "$root/lakeforge-bom/pom.xml" | sort -u)
artifacts=$(printf "%s\n" lakeforge-parent lakeforge-bom lakeforge-maven-plugin $managed | sort -u)
base="$work/io/lakeforge"
for a in $artifacts; do
  dir="$base/$a/$version"
  pom="$dir/$a-$version.pom"
  [ -f "$pom" ] || { problem "$a: $a-$version.pom"; continue; }
  if ! grep -q '<packaging>pom</packaging>' "$pom"; then
    for suffix in .jar -sources.jar -javadoc.jar; do
      [ -f "$dir/$a-$version$suffix" ] || problem "$a: $a-$version$suffix"
    done
  fi
done
for sample in sample-infra sample-spring-boot benchmarks; do
  [ ! -e "$base/$sample" ] || problem "$sample is in the bundle (a sample, not published)"
done

files=0
while IFS= read -r -d '' f; do
  files=$((files + 1))
  [ -f "$f.md5" ] && [ "$(cat "$f.md5" | cut -c1-32)" = "$(md5sum < "$f" | cut -c1-32)" ] \
    || problem "${f#$work/}.md5"
  [ -f "$f.sha1" ] && [ "$(cat "$f.sha1" | cut -c1-40)" = "$(sha1sum < "$f" | cut -c1-40)" ] \
    || problem "${f#$work/}.sha1"
  if $signed; then
    [ -f "$f.asc" ] || problem "${f#$work/}.asc"
  fi
done < <(find "$work" -type f \( -name '*.pom' -o -name '*.jar' \) -print0)
if ! $signed && [ -n "$(find "$work" -name '*.asc' -print -quit)" ]; then
  problem "signatures present although --unsigned"
fi

echo "bundle: $zip"
echo "artifacts: $(echo $artifacts | wc -w), pom/jar files: $files," \
  "checksums: md5+sha1 checked, signatures: $($signed && echo required || echo 'absent (-Dgpg.skip=true)')"
if [ "$problems" -ne 0 ]; then
  echo "$problems problem(s): Central would reject this bundle" >&2
  exit 1
fi
echo "OK: every artifact has pom, jar, sources, javadoc and checksums"
