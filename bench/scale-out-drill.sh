#!/usr/bin/env bash
# The scale-out drill in one command (docs/scale-out.md): starts Kafka (a KRaft broker from Apache Kafka's jars),
# S3Proxy, PostgreSQL (Debian's postgresql package) and two gateway instances sharing them, drops a 60-line prompt file
# into one instance's inbox, kill -9s that instance after ~15 images, and checks that all 60 images are in the bucket
# exactly once with their metadata, the report lists 60 lines, the ledger has 60 rows and the survivor's gallery lists
# every image; then 100 concurrent REST calls over both with a budget of 40 images: 40 served, 60 refused.
# Exits non-zero with the reason when a check fails. (src/test/java/dev/imagegateway/scale/ScaleOutDrill.java)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SCALE_OUT_DRILL_CLASSPATH:-}" ]; then
  mvn -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/drill.classpath
  SCALE_OUT_DRILL_CLASSPATH="$PWD/target/test-classes:$PWD/target/classes:$(cat target/drill.classpath)"
fi
exec java -Xmx512m ${DRILL_JAVA_OPTS:-} -cp "$SCALE_OUT_DRILL_CLASSPATH" dev.imagegateway.scale.ScaleOutDrill
