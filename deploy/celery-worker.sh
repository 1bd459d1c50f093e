#!/usr/bin/env bash
# One dagster-celery worker for roster-pipeline (ROSTER_EXECUTOR=celery runs send their steps here).
#   deploy/celery-worker.sh NAME [celery worker options, e.g. -c 1]
# Needs the same environment as the code location: DAGSTER_HOME (the production instance on
# Postgres, DAGSTER_PG_*), ROSTER_WAREHOUSE_URL, ROSTER_DEPARTMENT and the solver settings, plus
# ROSTER_CELERY_BROKER and ROSTER_CELERY_BACKEND (e.g. redis://broker:6379/0 and /1).
# dagster-celery reads its broker from a YAML file: it is written here, readable by this user only,
# and removed when the worker stops. (dagster-celery also keeps the settings it loaded under
# $DAGSTER_HOME/dagster_celery/: keep DAGSTER_HOME private on worker hosts.)
set -euo pipefail
name=${1:?worker name}
shift
: "${ROSTER_CELERY_BROKER:?set ROSTER_CELERY_BROKER}" "${ROSTER_CELERY_BACKEND:?set ROSTER_CELERY_BACKEND}"
bin=$(dirname "$(command -v dagster-celery || echo "$(dirname "$0")/../.venv/bin/dagster-celery")")
export PATH="$bin:$PATH"  # dagster-celery starts `celery` by name
umask 077
config=$(mktemp --suffix=.yaml)
trap 'rm -f "$config"' EXIT
cat >"$config" <<YAML
execution:
  config:
    broker: "$ROSTER_CELERY_BROKER"
    backend: "$ROSTER_CELERY_BACKEND"
    config_source: {worker_prefetch_multiplier: 1, task_acks_late: true}
YAML
"$bin/dagster-celery" worker start -A dagster_celery.app -y "$config" -n "$name" -- "$@" &
worker=$!
trap 'kill -TERM "$worker" 2>/dev/null; wait "$worker"; rm -f "$config"' TERM INT
wait "$worker"
