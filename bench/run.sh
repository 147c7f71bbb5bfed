#!/usr/bin/env bash
# The gateway benchmark in one command: builds the jar and the benchmark, then runs every case of docs/performance.md's
# performance table (see src/test/java/dev/imagegateway/bench/Benchmark.java for the options, passed through).
#   bench/run.sh                          # all cases: L=1000 ms at c=50 and c=200, L=0 at c=50; gRPC and REST
#   bench/run.sh --duration-s 5 --concurrency 50 --cpu-bound-concurrency 0
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests package
mvn -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
# the load generator holds every reply in flight (2,500 gRPC replies of 2 MB arrive in direct buffers): room for them
exec java -Xmx2g -XX:MaxDirectMemorySize=8g ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.imagegateway.bench.Benchmark "$@"
