#!/usr/bin/env bash
# POCLAB Trust benchmark (issue 8): `./poclab benchmark [-Dbenchmark.NAME=VALUE ...]`.
# Builds the benchmark, then under the machine lock (/tmp/poclab-kc.lock, shared with the
# integration tests: port 8080 is fixed) starts a fresh POCLAB the way `./poclab run` does, with
# its data in target/benchmark-home, runs the Gatling phases, writes target/benchmark/report.md
# and stops the server. Options: see benchmark/README.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCK=/tmp/poclab-kc.lock
OUT="$ROOT/target/benchmark"
export POCLAB_HOME=${POCLAB_BENCHMARK_HOME:-$ROOT/target/benchmark-home}
# Production mode by default: development mode renders every page with the template cache off,
# which is not what a deployment serves. POCLAB_MODE=development measures `start-dev` instead.
export POCLAB_MODE=${POCLAB_MODE:-production}
KC_VERSION=$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' "$ROOT/pom.xml" | head -n 1)
KC_DIR="$POCLAB_HOME/keycloak-$KC_VERSION"

log() { printf '[benchmark] %s\n' "$*"; }

if [[ -z ${POCLAB_BENCHMARK_LOCKED:-} ]]; then
  log "Building the benchmark"
  mvn -B -q -Dstyle.color=never -f "$ROOT/pom.xml" -pl benchmark package dependency:build-classpath \
    -Dmdep.outputFile="$ROOT/benchmark/target/classpath.txt"
  log "Waiting for the machine lock $LOCK (integration test runs hold it too)"
  POCLAB_BENCHMARK_LOCKED=1 exec flock "$LOCK" "$0" "$@"
fi

http_status() {
  local port=$1 path=$2 status
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || { echo 000; return; }
  printf 'GET %s HTTP/1.1\r\nHost: localhost:%s\r\nConnection: close\r\n\r\n' "$path" "$port" >&3
  IFS=' ' read -r _ status _ <&3 || status=000
  exec 3<&- 3>&-
  echo "${status:-000}"
}

if [[ $(http_status 8080 /) != 000 ]]; then
  log "Port 8080 is in use although the lock is ours: stop that server first."; exit 1
fi

rm -rf "$OUT" "$KC_DIR/data"
mkdir -p "$OUT"
export POCLAB_ADMIN_USERNAME=admin
export POCLAB_ADMIN_PASSWORD=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')

log "Starting POCLAB (./poclab run, $POCLAB_MODE mode, data in $POCLAB_HOME); log: $OUT/keycloak.log"
"$ROOT/poclab" run >"$OUT/keycloak.log" 2>&1 &
RUN_PID=$!
stop_server() {
  if kill -0 "$RUN_PID" 2>/dev/null; then
    log "Stopping POCLAB"
    kill -TERM "$RUN_PID" 2>/dev/null || true
    wait "$RUN_PID" 2>/dev/null || true
  fi
}
trap stop_server EXIT

for _ in $(seq 1 300); do
  [[ $(http_status 9000 /health/ready) == 200 ]] && break
  kill -0 "$RUN_PID" 2>/dev/null || { log "POCLAB exited during start; see $OUT/keycloak.log"; exit 1; }
  sleep 1
done
[[ $(http_status 9000 /health/ready) == 200 ]] || { log "POCLAB not ready after 300 s"; exit 1; }
KC_PID=$(pgrep -f -- "-Dkc.home.dir=$KC_DIR/bin" | head -n 1)
[[ -n $KC_PID ]] || { log "Cannot find the Keycloak JVM of $KC_DIR"; exit 1; }
log "POCLAB is up (Keycloak pid $KC_PID); running the benchmark"

# --add-opens: Gatling's stats writer reads String internals (its Maven plugin adds the same option).
java -Xmx2g --add-opens=java.base/java.lang=ALL-UNNAMED -cp "$ROOT/benchmark/target/classes:$(cat "$ROOT/benchmark/target/classpath.txt")" \
  -Dbenchmark.keycloak-pid="$KC_PID" -Dbenchmark.output="$OUT" "$@" \
  com.poclab.trust.benchmark.BenchmarkRunner
log "Report: $OUT/report.md"
