"""Changing a rule pack's parameters (the web service's admin page): the edited pack is checked by
the same parser as any pack (every problem listed, nothing written otherwise) and written as a new
local pack file with a new version, so the shipped pack is never changed and every solve records
which version it used."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import yaml

from roster_pipeline.core.rules import RulePack, RulePackError, pack_data, parse_pack


def edited(data: dict[str, Any], rule_id: str, weight: int | None, params: dict[str, Any]) -> dict[str, Any]:
    """The pack's data with rule `rule_id`'s weight and parameters changed (RulePackError if unknown)."""
    out = copy.deepcopy(data)
    rules = [r for r in out.get("rules") or [] if isinstance(r, dict) and r.get("id") == rule_id]
    if not rules:
        raise RulePackError(f"no rule {rule_id!r} in pack {data.get('id')!r}")
    rule = rules[0]
    if weight is not None:
        rule["weight"] = weight
    rule["params"] = {**(rule.get("params") or {}), **params}
    return out


def next_version(version: str) -> str:
    """2027.1 -> 2027.1-local.1 -> 2027.1-local.2: a local edit of a pack's version."""
    found = re.fullmatch(r"(.*)-local\.(\d+)", version)
    return f"{found.group(1)}-local.{int(found.group(2)) + 1}" if found else f"{version}-local.1"


def save_edit(
    source: str, rule_id: str, weight: int | None, params: dict[str, Any], folder: Path
) -> tuple[RulePack, Path]:
    """Check the edit of pack `source` (a shipped name or a YAML path) and write it to
    `folder/<id>.yaml` with the next local version; returns the new pack and its file."""
    data = edited(pack_data(source), rule_id, weight, params)
    data["version"] = next_version(str(data.get("version", "")))
    pack = parse_pack(data, f"{data.get('id')} (edited {rule_id})")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{pack.id}.yaml"
    temporary = target.with_suffix(".yaml.tmp")
    temporary.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    temporary.replace(target)
    return pack, target
