"""The production data platform: a backfill of D departments x W weeks through the Dagster daemon,
serial (one run at a time) against parallel (departments side by side, each department's weeks in
order), on DuckDB and on Postgres.

Each department is a sample department (`roster sample`: R registrars, 3 sites, one seed each),
every week solved with the same fixed budget (ROSTER_TIME_LIMIT deterministic seconds, one CP-SAT
worker, so two runs can share the two cores). For every engine and mode the script starts from an
empty warehouse and an empty Dagster instance (Postgres: deploy/production/dagster.yaml on a
throwaway cluster started by deploy/local-postgres.sh; DuckDB: sqlite instance storage), queues the
backfill with `dagster job backfill` and runs `dagster-daemon run` until every run has finished.

Figures per engine and mode:
- daemon start: from starting `dagster-daemon run` to the first run's start (once per backfill:
  the daemon, its code server and the first run process start);
- wall: from the first run's start to the end of the last run;
- steps: the sum over runs of the time inside steps (STEP_START to STEP_SUCCESS in the event log),
  i.e. our own work: contracts, solve, warehouse writes, SQL models, digests, dashboard;
- overhead per partition (serial mode): (wall - steps) / partitions, what Dagster adds around our
  work (run launch, process start, queue, event log);
- peak memory: the largest summed resident memory of the daemon and all its descendants (code
  server, run and step processes), sampled every 0.2 s; the Postgres server is not counted;
- rows: roster assignments, solve runs and fairness ledger rows, which must match between modes.

Parallel mode on DuckDB lifts the shipped `roster/warehouse=duckdb` one-run limit and keeps the
warehouse pool at one step at a time (every writing step, the solve included, waits its turn), so
it shows what parallel runs gain on one DuckDB file.

    .venv/bin/python benchmarks/backfill.py --departments 4 --weeks 8 --registrars 45 --time-limit 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import dagster as dg
import yaml

from roster_pipeline.core.warehouse import open_warehouse
from roster_pipeline.planning.sample import write_sample

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FIRST_WEEK = dt.date(2026, 10, 5)
MODES = ("serial", "parallel")
ENGINES = ("duckdb", "postgres")
PER_DEPARTMENT = {
    "key": "dagster/partition/department",
    "value": {"applyLimitPerUniqueValue": True},
    "limit": 1,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def instance_yaml(engine: str, mode: str, departments: int) -> dict:
    """The instance settings for one measurement: the shipped file with the run limits of `mode`."""
    shipped = ROOT / "deploy" / ("production/dagster.yaml" if engine == "postgres" else "dagster.yaml")
    config = yaml.safe_load(shipped.read_text())
    parallel = mode == "parallel"
    config["concurrency"]["runs"] = {
        "max_concurrent_runs": departments if parallel else 1,
        "tag_concurrency_limits": [PER_DEPARTMENT],
    }
    config["concurrency"]["pools"] = {"default_limit": 1 if engine == "duckdb" else departments}
    config.pop("run_retries", None)  # a failed run is a failed measurement, not retried
    return config


class Postgres:
    """A throwaway cluster (deploy/local-postgres.sh) and new databases on it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o755)
        self.port = free_port()
        script = ROOT / "deploy" / "local-postgres.sh"
        self.script = script
        out = subprocess.run(
            ["bash", str(script), "start", str(folder / "data"), str(self.port)],
            capture_output=True,
            text=True,
            check=True,
        )
        self.server = out.stdout.strip()

    def database(self, name: str) -> str:
        subprocess.run(
            ["bash", str(self.script), "createdb", str(self.folder / "data"), str(self.port), name],
            check=True,
            capture_output=True,
        )
        return self.server.rsplit("/", 1)[0] + "/" + name

    def stop(self) -> None:
        subprocess.run(["bash", str(self.script), "stop", str(self.folder / "data")], capture_output=True)


def descendants_rss(root: int) -> int:
    """Resident memory (bytes) of process `root` and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            total += int((Path("/proc") / str(pid) / "statm").read_text().split()[1]) * os.sysconf(
                "SC_PAGE_SIZE"
            )
        except (OSError, IndexError, ValueError):
            continue
    return total


class PeakMemory(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, descendants_rss(self.pid))
            time.sleep(0.2)


def step_seconds(instance: dg.DagsterInstance, run_id: str) -> float:
    """Time inside steps: each step from STEP_START to its STEP_SUCCESS."""
    started: dict[str, float] = {}
    total = 0.0
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type_value == "STEP_START":
            started[event.step_key] = record.timestamp
        elif event.event_type_value == "STEP_SUCCESS" and event.step_key in started:
            total += record.timestamp - started.pop(event.step_key)
    return total


PHASE_EVENTS = ("RUN_START", "STEP_START", "STEP_SUCCESS", "RUN_SUCCESS")


def launch_gaps(instance: dg.DagsterInstance, records: list) -> dict[str, list[float]]:
    """Seconds from each run's end to the next run's start (serial backfills), split into the wait
    in the queue (to the next run's RUN_STARTING: the coordinator's tick and the launch call) and the
    start of the run's process (RUN_STARTING to RUN_START: a new process imports Dagster and the
    definitions and builds the job)."""
    ordered = sorted(records, key=lambda r: r.start_time)
    gaps: dict[str, list[float]] = {"total": [], "queue": [], "process": []}
    for before, after in zip(ordered, ordered[1:], strict=False):
        starting = [
            record.timestamp
            for record in instance.all_logs(after.dagster_run.run_id)
            if record.dagster_event is not None
            and record.dagster_event.event_type_value == "PIPELINE_STARTING"
        ]
        gaps["total"].append(after.start_time - before.end_time)
        if starting:
            gaps["queue"].append(starting[0] - before.end_time)
            gaps["process"].append(after.start_time - starting[0])
    return {part: values or [0.0] for part, values in gaps.items()}


def run_phases(instance: dg.DagsterInstance, run_id: str) -> dict[str, float]:
    """Where a run's time outside our steps goes: start (run start to the first step), between
    steps, and finish (the last step to the run's end), from the event log's timestamps."""
    marks: list[tuple[str, float]] = []
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is not None and event.event_type.name in PHASE_EVENTS:  # RUN_START's value is PIPELINE_START
            marks.append((event.event_type.name, record.timestamp))
    kinds = [kind for kind, _ in marks]
    if "RUN_START" not in kinds or "STEP_START" not in kinds or "RUN_SUCCESS" not in kinds:
        return {}
    start = next(t for k, t in marks if k == "RUN_START")
    first_step = next(t for k, t in marks if k == "STEP_START")
    last_step = max(t for k, t in marks if k == "STEP_SUCCESS")
    end = next(t for k, t in marks if k == "RUN_SUCCESS")
    between = sum(
        later - earlier
        for (kind, earlier), (next_kind, later) in zip(marks, marks[1:], strict=False)
        if kind == "STEP_SUCCESS" and next_kind == "STEP_START"
    )
    return {"start": first_step - start, "between_steps": between, "finish": end - last_step}


def measure(engine: str, mode: str, args: argparse.Namespace, work: Path, pg: Postgres | None) -> dict:
    """One backfill from empty storage; its figures."""
    tag = f"{engine}_{mode}"
    home = work / f"home_{tag}"
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml.safe_dump(instance_yaml(engine, mode, args.departments)))
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "ROSTER_DEPARTMENT": str(work / "departments"),
        "ROSTER_TIME_LIMIT": str(args.time_limit),
        "ROSTER_WORKERS": "1",
        "ROSTER_SEED": "0",
        "ROSTER_FIRST_WEEK": FIRST_WEEK.isoformat(),
        "ROSTER_EXECUTOR": args.executor,
    }
    env.pop("ROSTER_WAREHOUSE_URL", None)
    if pg is not None:
        instance_url, warehouse = pg.database(f"dagster_{tag}"), pg.database(f"warehouse_{tag}")
        user_host, db = instance_url.removeprefix("postgresql://").rsplit("/", 1)
        user, host_port = user_host.split("@")
        host, port = host_port.split(":")
        env |= {"DAGSTER_PG_USER": user, "DAGSTER_PG_PASSWORD": "", "DAGSTER_PG_HOST": host}
        env |= {"DAGSTER_PG_PORT": port, "DAGSTER_PG_DB": db, "ROSTER_WAREHOUSE_URL": warehouse}
    else:
        warehouse = env["ROSTER_DUCKDB"] = str(work / f"warehouse_{tag}.duckdb")
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    subprocess.run(["bash", str(ROOT / "deploy" / "init-pools.sh")], env=env, check=True, capture_output=True)
    names = [f"dept{i}" for i in range(args.departments)]
    weeks = [(FIRST_WEEK + dt.timedelta(weeks=w)).isoformat() for w in range(args.weeks)]
    keys = ",".join(f"{d}|{w}" for d in names for w in weeks)
    queued = subprocess.run(
        [str(BIN / "dagster"), "job", "backfill", "-w", "workspace.yaml", "-j", "weekly_roster_job"]
        + ["--partitions", keys, "--noprompt"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if queued.returncode != 0:
        raise SystemExit(f"{tag}: backfill not queued: {queued.stderr[-2000:]}")
    log = (work / f"daemon_{tag}.log").open("w")
    began = time.time()
    daemon = subprocess.Popen(
        [str(BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    memory = PeakMemory(daemon.pid)
    memory.start()
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        with dg.DagsterInstance.get() as instance:
            while True:
                records = list(instance.get_run_records())
                if records and all(r.dagster_run.is_finished for r in records):
                    break
                if daemon.poll() is not None:
                    raise SystemExit(f"{tag}: the daemon exited (see {log.name})")
                time.sleep(1)
            steps = [step_seconds(instance, r.dagster_run.run_id) for r in records]
            phases = [run_phases(instance, r.dagster_run.run_id) for r in records]
            gaps = launch_gaps(instance, records) if mode == "serial" else {}
    finally:
        memory.running = False
        daemon.terminate()
        daemon.wait(timeout=60)
        log.close()
        os.environ.clear()
        os.environ.update(saved)
    failed = [r.dagster_run.tags.get("dagster/partition") for r in records if not r.dagster_run.is_success]
    if failed:
        raise SystemExit(f"{tag}: runs failed: {failed} (see {log.name})")
    first = min(r.start_time for r in records)
    wall = max(r.end_time for r in records) - first
    wh = open_warehouse(warehouse)
    rows: dict[str, object] = {
        table: int(wh.query(f"SELECT count(*) AS n FROM {table}")["n"].iloc[0])
        for table in ("roster_assignments", "solve_runs", "fairness_ledger")
    }
    cells = wh.query("SELECT department, registrar_id, date, shift FROM roster_assignments")
    cells = cells.astype(str).sort_values(list(cells.columns)).to_csv(index=False)
    rows["roster_sha256"] = hashlib.sha256(cells.encode()).hexdigest()[:16]
    partitions = len(records)
    return {
        "engine": engine,
        "mode": mode,
        "executor": args.executor,
        "partitions": partitions,
        "daemon_start_s": round(first - began, 1),
        "wall_s": round(wall, 1),
        "steps_s": round(sum(steps), 1),
        # only meaningful when runs do not overlap
        "overhead_per_partition_s": round((wall - sum(steps)) / partitions, 2) if mode == "serial" else None,
        "median_run_s": round(statistics.median(r.end_time - r.start_time for r in records), 1),
        # the overhead's parts, median over runs; the rest is the gap between one run's end and the
        # next run's start (the queue and the run process's launch)
        "overhead_median_s": {
            part: round(statistics.median(p[part] for p in phases if p), 2)
            for part in ("start", "between_steps", "finish")
        },
        "launch_gap_median_s": (
            {part: round(statistics.median(v), 2) for part, v in gaps.items()} if gaps else None
        ),
        "peak_memory_mib": round(memory.peak / 2**20),
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--departments", type=int, default=4)
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=[0, 1, 2, 4],
        help="sample seed of each department (seed 3 at 45 x 3 sites has an infeasible first week)",
    )
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--registrars", type=int, default=45)
    parser.add_argument("--time-limit", type=float, default=5.0, help="deterministic seconds per week")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--executor", choices=("in_process", "multiprocess"), default="in_process")
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (default: a temporary one)"
    )
    args = parser.parse_args()
    if len(args.seeds) < args.departments:
        parser.error(f"--seeds: {args.departments} departments need {args.departments} seeds")
    work = args.keep or Path(tempfile.mkdtemp(prefix="roster-platform-"))
    work.mkdir(parents=True, exist_ok=True)
    work.chmod(0o755)
    for i in range(args.departments):
        write_sample(
            work / "departments" / f"dept{i}",
            registrars=args.registrars,
            sites=3,
            weeks=args.weeks,
            start=FIRST_WEEK,
            seed=args.seeds[i],
        )
    results = []
    pg = Postgres(work / "postgres") if "postgres" in args.engines else None
    try:
        for engine in args.engines:
            for mode in args.modes:
                result = measure(engine, mode, args, work, pg if engine == "postgres" else None)
                print(json.dumps(result), flush=True)
                results.append(result)
    finally:
        if pg is not None:
            pg.stop()
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(
        "| engine | mode | daemon start s | wall s | in steps s | overhead per partition s | median run s "
        "| peak memory MiB |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        overhead = "-" if r["overhead_per_partition_s"] is None else r["overhead_per_partition_s"]
        print(
            f"| {r['engine']} | {r['mode']} | {r['daemon_start_s']} | {r['wall_s']} | {r['steps_s']} | "
            f"{overhead} | {r['median_run_s']} | {r['peak_memory_mib']} |"
        )
    for engine in args.engines:
        pair = {r["mode"]: r for r in results if r["engine"] == engine}
        if len(pair) < len(MODES):
            continue
        same = pair["serial"]["rows"] == pair["parallel"]["rows"]
        print(
            f"{engine}: serial/parallel wall = {pair['serial']['wall_s'] / pair['parallel']['wall_s']:.2f}; "
            f"rows {'identical' if same else 'DIFFER'} ({pair['serial']['rows']})"
        )


if __name__ == "__main__":
    main()
