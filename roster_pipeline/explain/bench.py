"""Latency of 'show', 'why' and 'what-if' answers (offline path, so no model latency) on the
45-registrar, 3-site, 4-week sample: `python -m roster_pipeline.explain.bench [--resolve 20]`.
Each answer reports wall seconds and the process's CPU seconds (which other load on the machine
does not inflate)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import time

from roster_pipeline.explain.assistant import ask
from roster_pipeline.explain.demo import solved_sample

QUESTIONS = (
    "Show me next week's schedule",
    "Why is Dr Smith on nights?",
    "What if we need 3 people on Friday?",
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registrars", type=int, default=45)
    parser.add_argument("--sites", type=int, default=3)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--solve", type=float, default=30.0, help="seconds for the base roster")
    parser.add_argument("--resolve", type=float, default=20.0, help="seconds per re-solve")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ctx = solved_sample(folder, args.registrars, args.sites, args.weeks, time_limit=args.solve,
                            resolve_seconds=args.resolve)  # fmt: skip
        began = time.perf_counter()
        _ = ctx.report  # validator facts, computed once per loaded roster
        load = time.perf_counter() - began
        rows = {"validate_once_s": round(load, 2)}
        for question in QUESTIONS:
            cpu = time.process_time()  # CPU of this process (CP-SAT threads included): load-independent
            answer = ask(question, ctx, today=dt.date(2026, 11, 22))
            cpu = time.process_time() - cpu
            status = answer.facts[0]["result"].get("status") if answer.facts else None
            if answer.facts and "counterfactual" in answer.facts[0]["result"]:
                status = answer.facts[0]["result"]["counterfactual"]["status"]
            seconds = {"seconds": round(answer.seconds, 2), "cpu_seconds": round(cpu, 2)}
            rows[question] = {**seconds, "status": status}
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
