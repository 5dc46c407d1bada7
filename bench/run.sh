#!/usr/bin/env bash
# Runs one benchmark class of bench/src/main/java/org/maskseg/bench, e.g.
#   bench/run.sh TransferBench
# Builds the engine and the benchmarks first (tests skipped). Extra arguments go to the benchmark.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name="$1"; shift
mvn -B -q -ntp -f "$root/pom.xml" -pl bench -am -DskipTests install >&2
mvn -B -q -ntp -f "$root/bench/pom.xml" dependency:build-classpath -Dmdep.outputFile="$root/bench/target/classpath.txt" >&2
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"  # libtorch threads sleep instead of spinning when idle
exec java ${BENCH_JAVA_OPTS:--Xmx16g} -Dai.djl.offline=true -cp "$root/bench/target/classes:$root/plugins/org.maskseg.core/target/classes:$(cat "$root/bench/target/classpath.txt")" \
  "org.maskseg.bench.$name" "$@"
