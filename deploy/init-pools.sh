#!/usr/bin/env bash
# Sets the warehouse pool's limit on a new Dagster instance before any run starts.
#   DAGSTER_HOME=... [DAGSTER_PG_*=...] deploy/init-pools.sh
# Dagster creates a pool's row lazily, when the first step of that pool starts. On PostgreSQL two
# runs starting at once on a fresh instance both insert it and one fails with a UniqueViolation on
# concurrency_limits (dagster-io/dagster#33552, fix not released in the pinned Dagster). A limit set
# here first is never initialised lazily. The limit is the instance's concurrency.pools.default_limit.
# Idempotent: run it after every change to dagster.yaml.
set -euo pipefail
: "${DAGSTER_HOME:?set DAGSTER_HOME}"
bin=$(dirname "$(command -v dagster || echo "$(dirname "$0")/../.venv/bin/dagster")")
limit=$("$bin/python" -c '
import os, sys, yaml
config = yaml.safe_load(open(os.path.join(os.environ["DAGSTER_HOME"], "dagster.yaml")))
sys.stdout.write(str(config["concurrency"]["pools"]["default_limit"]))')
"$bin/dagster" instance concurrency set roster_warehouse "$limit" >/dev/null
echo "pool roster_warehouse: limit $limit"
