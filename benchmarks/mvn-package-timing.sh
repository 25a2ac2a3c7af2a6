#!/usr/bin/env bash
# Times `mvn package` on a topology with and without the processor (wall clock, median of N runs):
#   with:    Topology.java, processor on (it validates and generates Branches + lakebase.yml)
#   without: Topology.java + the Branches.java the processor generated, -proc:none
# Usage: benchmarks/mvn-package-timing.sh BRANCHES|sample [RUNS]   (after ./mvnw install -DskipTests)
#   sample: sample-infra's own Topology.java (dev, staging, pre-prod)
set -euo pipefail
branches="${1:-500}"
runs="${2:-5}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
version="$(cd "$root" && ./mvnw -q help:evaluate -Dexpression=project.version -DforceStdout 2>/dev/null || echo 0.1.0-SNAPSHOT)"

pkg=bench
if [[ "$branches" == sample ]]; then
  pkg=io/lakeforge/sample
fi

make_project() {
  local dir="$1" proc="$2"
  mkdir -p "$dir/src/main/java/$pkg"
  if [[ "$branches" == sample ]]; then
    cp "$root/sample-infra/src/main/java/io/lakeforge/sample/Topology.java" "$dir/src/main/java/$pkg/"
  else
  {
    echo "package bench;"
    echo "import io.lakeforge.annotations.Branch;"
    echo "import io.lakeforge.annotations.LakebaseProject;"
    echo "@LakebaseProject(id = \"bench-project\")"
    echo "final class Topology {"
    for ((i = 0; i < branches; i++)); do
      echo "  @Branch static final String B$i = \"branch-$i\";"
    done
    echo "}"
  } > "$dir/src/main/java/bench/Topology.java"
  fi
  local processor_config
  if [[ "$proc" == on ]]; then
    processor_config="<annotationProcessorPaths><path><groupId>io.lakeforge</groupId><artifactId>lakeforge-processor</artifactId><version>$version</version></path></annotationProcessorPaths>"
  else
    processor_config="<proc>none</proc>"
  fi
  cat > "$dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>topology-$proc</artifactId><version>1</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
    <dependency><groupId>io.lakeforge</groupId><artifactId>lakeforge-annotations</artifactId><version>$version</version></dependency>
  </dependencies>
  <build><plugins>
    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.14.0</version>
      <configuration>$processor_config</configuration></plugin>
    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId><version>3.5.4</version></plugin>
    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-jar-plugin</artifactId><version>3.4.2</version></plugin>
  </plugins></build>
</project>
POM
}

make_project "$work/with" on
make_project "$work/without" off
mvn_cmd=("$root/mvnw" -q -o -B package)
(cd "$work/with" && "${mvn_cmd[@]}")
cp "$work/with/target/generated-sources/annotations/$pkg/Branches.java" "$work/without/src/main/java/$pkg/"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_runs() {
  local dir="$1"
  for ((r = 0; r < runs; r++)); do
    (cd "$dir" && "$root/mvnw" -q -o -B clean >/dev/null)
    local t0 t1
    t0="$(date +%s%N)"
    (cd "$dir" && "${mvn_cmd[@]}")
    t1="$(date +%s%N)"
    echo $(((t1 - t0) / 1000000))
  done | median
}
with="$(time_runs "$work/with")"
without="$(time_runs "$work/without")"
printf '| %s | %s ms | %s ms | %s |\n' "$branches" "$without" "$with" \
  "$(awk -v a="$with" -v b="$without" 'BEGIN {printf "%.2f", a / b}')"
