"""Administration: users and roles, and the rule pack (its rules with their sources; a parameter edit
checked by the pack parser, written as a new local pack version and recorded in the audit log)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from roster_pipeline.core.rule_edit import save_edit
from roster_pipeline.core.rules import RulePack, RulePackError, load_pack
from roster_pipeline.core.warehouse import Warehouse
from roster_pipeline.living import audit
from roster_pipeline.web.accounts import AccountError, User, add_user, change_user, users
from roster_pipeline.web.auth import Admin, AdminChange, Manager, Session, config_of, now_of, warehouse_of
from roster_pipeline.web.pages import refusal, render, told

router = APIRouter(tags=["admin"])


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    role: Literal["registrar", "manager", "admin"]
    registrar_id: str | None = Field(None, max_length=32)
    department: str | None = Field(None, max_length=64)
    password: str = Field(min_length=1, max_length=200)


def _user_row(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "role": user.role,
        "registrar_id": user.registrar_id,
        "department": user.department,
        "active": user.active,
    }


def create_user(request: Request, session: Session, body: UserIn) -> dict[str, Any]:
    department = body.department or None
    if body.role == "registrar":
        keys = request.app.state.departments.keys()
        department = department or (keys[0] if len(keys) == 1 else None)
        if (
            department not in keys
            or body.registrar_id not in request.app.state.departments.get(department).registrars
        ):
            raise HTTPException(422, f"no registrar {body.registrar_id!r} in department {department!r}")
    user = User(body.username, body.role, body.registrar_id or None, department)
    try:
        add_user(warehouse_of(request), user, body.password, session.username, now_of(request))
    except AccountError as error:
        raise HTTPException(422, str(error)) from None
    return _user_row(user)


@router.get("/api/users", tags=["api"])
def list_users(request: Request, session: Admin) -> dict[str, Any]:
    """Every user and role (never a password or hash)."""
    return {"users": [_user_row(u) for u in users(warehouse_of(request))]}


@router.post("/api/users", tags=["api"], status_code=201)
def post_user(request: Request, session: AdminChange, body: UserIn) -> dict[str, Any]:
    """Add a user with a first password (administrators)."""
    return create_user(request, session, body)


@router.get("/admin/users", include_in_schema=False)
def users_page(request: Request, session: Admin, message: str | None = None) -> Response:
    found = [_user_row(u) for u in users(warehouse_of(request))]
    return render(request, "admin_users.html", session, users=found, message=message)


@router.post("/admin/users", include_in_schema=False)
def users_form(
    request: Request,
    session: AdminChange,
    username: Annotated[str, Form()],
    role: Annotated[str, Form()],
    password: Annotated[str, Form()],
    registrar_id: Annotated[str, Form()] = "",
    department: Annotated[str, Form()] = "",
) -> Response:
    try:
        body = UserIn(
            username=username,
            role=role,
            registrar_id=registrar_id or None,
            department=department or None,
            password=password,
        )
        create_user(request, session, body)
    except (HTTPException, ValueError) as error:
        detail = refusal(error, "check the name, role and password")
        return users_page(request, session, message=f"Not added: {detail}")
    return told("/admin/users", f"Added {username}")


@router.post("/admin/users/{username}/{action}", include_in_schema=False)
def user_action(
    request: Request, session: AdminChange, username: str, action: str, role: Annotated[str, Form()] = ""
) -> Response:
    if action not in ("disable", "enable", "role"):
        raise HTTPException(404, f"no user action {action!r}")
    if username == session.username and action in ("disable", "role"):
        return users_page(request, session, message="You cannot disable yourself or change your own role")
    try:
        change_user(
            warehouse_of(request), username, session.username, now_of(request),
            role=role if action == "role" else None,
            active={"disable": False, "enable": True}.get(action),
        )  # fmt: skip
    except AccountError as error:
        return users_page(request, session, message=str(error))
    return told("/admin/users", f"{username} updated")


def _rule_rows(pack: RulePack) -> list[dict[str, Any]]:
    return [
        {"id": r.id, "type": r.type, "hard": r.hard, "weight": r.weight, "params": r.params,
         "description": r.description, "source": r.source}
        for r in pack.rules
    ]  # fmt: skip


@router.get("/api/rules", tags=["api"])
def get_rules(request: Request, session: Manager) -> dict[str, Any]:
    """The active rule pack: every rule with its parameters and source, and the change policy."""
    pack = load_pack(config_of(request).rule_pack)
    policy = {k: v for k, v in pack.changes.__dict__.items()}
    return {
        "id": pack.id,
        "name": pack.name,
        "version": pack.version,
        "rules": _rule_rows(pack),
        "roster_changes": policy,
    }


@router.get("/admin/rules", include_in_schema=False)
def rules_page(request: Request, session: Manager, message: str | None = None) -> Response:
    pack = load_pack(config_of(request).rule_pack)
    return render(request, "admin_rules.html", session, pack=pack, rules=_rule_rows(pack), message=message)


def _value(text: str) -> Any:
    """A parameter typed in a form: YAML's reading of it (10 -> int, 0.5 -> float, true -> bool)."""
    try:
        return yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError:
        return text


def _audit(wh: Warehouse, actor: str, now: dt.datetime, pack: RulePack, change: str) -> None:
    audit.record(
        wh,
        recorded_at=now,
        actor=actor,
        action="rule pack edited",
        cause=f"{pack.id}@{pack.version}",
        rule_pack_version=pack.version,
        reason=change,
    )


@router.post("/admin/rules/{rule_id}", include_in_schema=False)
async def edit_rule(request: Request, session: AdminChange, rule_id: str) -> Response:
    """Change one rule's weight and parameters; the pack parser checks the result first."""
    config = config_of(request)
    before = load_pack(config.rule_pack)
    rule = next((r for r in before.rules if r.id == rule_id), None)
    if rule is None:
        raise HTTPException(404, f"no rule {rule_id!r} in {before.id}")
    form = await request.form()
    weight = _value(str(form.get("weight", "")))
    params = {name: _value(str(form.get(f"param_{name}", ""))) for name in rule.params}
    params = {k: v for k, v in params.items() if v is not None}
    try:
        pack, path = save_edit(
            config.rule_pack,
            rule_id,
            weight if isinstance(weight, int) else None,
            params,
            Path(config.rules_dir),
        )
    except RulePackError as error:
        return rules_page(request, session, message=f"Not saved: {error}")
    changes = [f"weight {rule.weight} -> {weight}"] if weight != rule.weight else []
    changes += [f"{k} {rule.params.get(k)!r} -> {v!r}" for k, v in params.items() if rule.params.get(k) != v]
    _audit(
        warehouse_of(request),
        session.username,
        now_of(request),
        pack,
        f"{rule_id}: " + "; ".join(changes or ["no change"]),
    )
    config.rule_pack = str(path)
    message = f"Saved {pack.id} {pack.version} to {path}; set ROSTER_RULES={path} for the pipeline too"
    return told("/admin/rules", message)
