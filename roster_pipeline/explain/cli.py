"""`roster ask "question"`: wired into roster_pipeline/cli.py with `register_cli(sub)`.

Defaults point at what `make demo` builds (out/sample, out/roster.csv, au-vic, 4 weeks from
2027-02-01). With ANTHROPIC_API_KEY set Claude writes the answer from tool results; without it (or
with --offline, or when the API fails) the rule-based parser answers, labelled as such. `--as R001`
answers a registrar: their own leave (with its reason), requests and fairness figures, colleagues'
absences only as "unavailable"; without it the asker is a manager with full rights."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from roster_pipeline.core.warehouse import is_postgres, open_warehouse


def register_cli(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    ask = sub.add_parser("ask", help="ask about a roster: show, why, what-if, fairness")
    ask.add_argument("question")
    ask.add_argument("--department", default="out/sample", help="department folder or workbook")
    ask.add_argument("--roster", default="out/roster.csv", help="roster CSV (registrar_id, date, shift)")
    ask.add_argument(
        "--warehouse", default=None, help="read the roster from this DuckDB warehouse instead of --roster"
    )
    ask.add_argument("--rules", default="au-vic")
    ask.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2027, 2, 1))
    ask.add_argument("--weeks", type=int, default=4)
    ask.add_argument("--today", type=dt.date.fromisoformat, default=None, help="for 'next week', 'Friday'")
    ask.add_argument("--time-limit", type=float, default=20.0, help="seconds per what-if/why re-solve")
    ask.add_argument("--model", default=None, help="Claude model (default ROSTER_CLAUDE_MODEL or built-in)")
    ask.add_argument("--offline", action="store_true", help="never call the language model")
    ask.add_argument(
        "--as",
        dest="asker",
        default=None,
        metavar="REGISTRAR_ID",
        help="ask as this registrar: their own requests and fairness figures, colleagues' absences only "
        "as 'unavailable' (default: a manager, who sees everything)",
    )
    ask.add_argument("--json", action="store_true", help="print the answer, facts and tool calls as JSON")
    ask.set_defaults(func=cmd_ask)
    return ask


def cmd_ask(args: argparse.Namespace) -> int:
    from roster_pipeline.explain.assistant import Asker, ask
    from roster_pipeline.explain.claude import ClaudeClient
    from roster_pipeline.explain.facts import load_context, load_context_from_warehouse

    for path in (args.department, args.warehouse or args.roster):
        if not is_postgres(path) and not Path(path).exists():
            print(f"roster ask: {path} not found (run `make demo` first, or pass --department/--roster)",
                  file=sys.stderr)  # fmt: skip
            return 2
    if args.warehouse:
        wh = open_warehouse(args.warehouse)
        ctx = load_context_from_warehouse(wh, args.department, args.start, args.rules, args.weeks)
        ctx.solve_seconds = args.time_limit
        ctx.extra["warehouse"] = wh  # the audit log, for "who changed my Saturday?"
    else:
        ctx = load_context(args.department, args.roster, args.rules, args.start, args.weeks, args.time_limit)
    if args.asker is not None and args.asker not in ctx.department.registrars:
        print(f"roster ask: --as {args.asker}: no such registrar in the registrars table", file=sys.stderr)
        return 2
    asker = Asker(args.asker) if args.asker else None
    client = None if args.offline else ClaudeClient(model=args.model)
    answer = ask(args.question, ctx, client=client, today=args.today, asker=asker)
    if args.json:
        payload = {
            "text": answer.text,
            "offline": answer.offline,
            "seconds": round(answer.seconds, 3),
            "tool_calls": answer.tool_calls,
            "facts": answer.facts,
        }
        print(json.dumps(payload, default=str))
    else:
        print(answer.text)
    return 0
