"""How a run's steps execute, chosen by ROSTER_EXECUTOR when the definitions load:

- `multiprocess` (the default): one process per step on this machine, at most ROSTER_MAX_CONCURRENT
  (default 2, the cores here) at once, each forked from a server that has imported the code location
  once per run (`forkserver`; Dagster's default `spawn` imports Dagster, OR-Tools and the definitions
  again in every step's process);
- `in_process`: every step in the run's own process (quickest for one small run);
- `celery`: steps go to dagster-celery workers through a broker (Redis), ROSTER_CELERY_BROKER and
  ROSTER_CELERY_BACKEND naming it; the URLs stay in the environment (config holds only their names).
  Workers: `dagster-celery worker start -y deploy/celery.yaml` on each host (docs/deploy.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import dagster as dg

EXECUTORS = ("multiprocess", "in_process", "celery")
# Celery settings: a worker takes one step at a time and acknowledges it when done, so a long solve
# never holds a queue of prefetched steps another worker could run.
CELERY_SETTINGS = {"worker_prefetch_multiplier": 1, "task_acks_late": True}


def executor_from_env(environ: Mapping[str, str] = os.environ) -> dg.ExecutorDefinition:
    kind = environ.get("ROSTER_EXECUTOR") or "multiprocess"
    if kind == "in_process":
        return dg.in_process_executor
    if kind == "multiprocess":
        limit = int(environ.get("ROSTER_MAX_CONCURRENT") or 2)
        return dg.multiprocess_executor.configured(
            {"max_concurrent": limit, "start_method": {"forkserver": {}}}, name="roster_multiprocess"
        )
    if kind == "celery":
        # dagster-celery (with celery and kombu) is imported only where it is chosen: 0.06 s per run process
        from dagster_celery import celery_executor  # noqa: PLC0415

        return celery_executor.configured(
            {
                "broker": {"env": "ROSTER_CELERY_BROKER"},
                "backend": {"env": "ROSTER_CELERY_BACKEND"},
                "config_source": CELERY_SETTINGS,
            },
            name="roster_celery",
        )
    raise ValueError(f"ROSTER_EXECUTOR={kind!r}: expected one of {', '.join(EXECUTORS)}")
