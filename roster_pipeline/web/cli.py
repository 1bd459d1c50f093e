"""`roster serve` (the web service) and `roster users` (its accounts)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from data_contracts import ContractError
from roster_pipeline.core.cli_common import EXIT_BAD_INPUT, EXIT_OK
from roster_pipeline.core.department_io import departments_at, load_department
from roster_pipeline.core.rules import load_pack
from roster_pipeline.core.warehouse import open_warehouse
from roster_pipeline.web.accounts import ROLES, AccountError, User, add_user, change_user, users
from roster_pipeline.web.config import ConfigError, config_from_env, wall_clock
from roster_pipeline.web.demo import DEMO_PASSWORD, create_demo_users, demo_users, publish_drafts


def _password(args: argparse.Namespace) -> str:
    """The password from stdin (`--password-stdin`: the first line) or an interactive prompt."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return getpass.getpass(f"password for {args.name}: ")


def _warehouse(args: argparse.Namespace):  # noqa: ANN202 - a Warehouse
    return open_warehouse(args.warehouse or config_from_env().warehouse)


def _registrar_department(args: argparse.Namespace) -> str | None:
    """The department of a registrar user: --department, else the only one at ROSTER_DEPARTMENT; its
    registrar table must hold --registrar (AccountError otherwise)."""
    found = departments_at(config_from_env().department)
    key = args.department or (next(iter(found)) if len(found) == 1 else None)
    if args.role != "registrar":
        return args.department
    if key is None or key not in found:
        raise AccountError(
            f"department {key!r} not found at ROSTER_DEPARTMENT: give --department (one of {sorted(found)})"
        )
    if args.registrar not in load_department(found[key]).registrars:
        raise AccountError(f"no registrar {args.registrar!r} in department {key}")
    return key


def cmd_users_add(args: argparse.Namespace) -> int:
    try:
        user = User(args.name, args.role, args.registrar, _registrar_department(args))
        add_user(_warehouse(args), user, _password(args), args.by, wall_clock())
    except (AccountError, ContractError) as error:
        print(f"roster users add: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(json.dumps({"user": user.username, "role": user.role, "registrar_id": user.registrar_id}))
    return EXIT_OK


def cmd_users_change(args: argparse.Namespace) -> int:
    try:
        password = _password(args) if getattr(args, "password_stdin", False) else None
        active = {"disable": False, "enable": True}.get(args.action)
        changed = change_user(
            _warehouse(args),
            args.name,
            args.by,
            wall_clock(),
            role=getattr(args, "role", None),
            active=active,
            password=password,
        )
    except AccountError as error:
        print(f"roster users {args.action}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(json.dumps({"user": changed.username, "role": changed.role, "active": changed.active}))
    return EXIT_OK


def cmd_users_list(args: argparse.Namespace) -> int:
    for user in users(_warehouse(args)):
        state = "" if user.active else "  (disabled)"
        who = f" {user.registrar_id}" if user.registrar_id else ""
        print(f"{user.username:20} {user.role:10}{who} {user.department or '(all departments)'}{state}")
    return EXIT_OK


def cmd_users_demo(args: argparse.Namespace) -> int:
    """The demo users, and the pipeline's weekly drafts published (as the demo manager, now)."""
    found = departments_at(config_from_env().department)
    if len(found) != 1:
        print("roster users demo: ROSTER_DEPARTMENT must name one department", file=sys.stderr)
        return EXIT_BAD_INPUT
    key, path = next(iter(found.items()))
    wh = _warehouse(args)
    made = create_demo_users(wh, key, wall_clock())
    published = publish_drafts(
        wh, key, load_department(path), load_pack(config_from_env().rule_pack), "morgan", wall_clock()
    )
    print(json.dumps({"users": [u.username for u in made], "published": published}))
    print(
        f"demo users (password {DEMO_PASSWORD!r}, demo only): "
        + ", ".join(
            f"{u.username} ({u.role}{' ' + u.registrar_id if u.registrar_id else ''})"
            for u in demo_users(key)
        )
    )
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        config = config_from_env()
    except ConfigError as error:
        print(f"roster serve: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not config.department.exists():
        print(
            f"roster serve: department {config.department} not found (set ROSTER_DEPARTMENT)", file=sys.stderr
        )
        return EXIT_BAD_INPUT
    import uvicorn  # start-up time: only `roster serve` needs the server and the application

    from roster_pipeline.web.app import create_app

    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="info", access_log=True)
    return EXIT_OK


def register_cli(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="the web service: registrar portal, manager console, API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(func=cmd_serve)

    users_parser = sub.add_parser("users", help="the web service's users and roles")
    actions = users_parser.add_subparsers(dest="action", required=True)
    for name in ("add", "change", "disable", "enable", "list", "demo"):
        action = actions.add_parser(name)
        action.add_argument(
            "--warehouse", help="DuckDB file or postgresql:// URL (default: from the environment)"
        )
        if name == "list":
            action.set_defaults(func=cmd_users_list)
            continue
        if name == "demo":
            action.set_defaults(func=cmd_users_demo)
            continue
        action.add_argument("name")
        action.add_argument("--by", default=getpass.getuser(), help="who records the change (audit)")
        if name == "add":
            action.add_argument("--role", choices=ROLES, required=True)
            action.add_argument("--registrar", help="the registrar id a registrar user is (R001)")
            action.add_argument(
                "--department", help="the department key (a registrar's, or a manager's only one)"
            )
        if name == "change":
            action.add_argument("--role", choices=ROLES)
        if name in ("add", "change"):
            action.add_argument(
                "--password-stdin", action="store_true", help="read the password from the first line of stdin"
            )
        action.set_defaults(func=cmd_users_add if name == "add" else cmd_users_change)
