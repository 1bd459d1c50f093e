"""Per-registrar change notices: what changed, why, and the notice given.

A registrar's notice gives the reason in the words meant for them: their own event with its type
and note; a colleague's absence only as "unavailable" (the repair's public reason). Notices are
kept in the warehouse's append-only `notices` table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from roster_pipeline.core.rules import RulePack
from roster_pipeline.core.warehouse import APPEND_ONLY
from roster_pipeline.living.repair import CellChange

COLUMNS = [name for name, _ in APPEND_ONLY["notices"]]


@dataclass(frozen=True)
class Notice:
    """Everything one registrar is told about one amendment."""

    registrar_id: str
    changes: tuple[CellChange, ...]
    text: str


def shift_name(code: str) -> str:
    return code or "off"


def line(change: CellChange, pack: RulePack) -> str:
    """One change as its registrar reads it."""
    days = "day" if change.notice_days == 1 else "days"
    notice = f"{change.notice_days} {days}' notice"
    if change.short_notice:
        notice += f", under the {pack.changes.change_notice_days} days a change should give"
    return (
        f"{change.date:%a %d %b %Y}: {shift_name(change.before)} -> {shift_name(change.after)} "
        f"({notice}). Why: {change.own_reason}"
    )


def notices(changes: list[CellChange], pack: RulePack) -> list[Notice]:
    """One notice per changed registrar, their changes in date order."""
    out = []
    for rid in sorted({c.registrar_id for c in changes}):
        mine = tuple(sorted((c for c in changes if c.registrar_id == rid), key=lambda c: c.date))
        header = f"Your roster has changed ({len(mine)} shift{'s' if len(mine) > 1 else ''}):"
        out.append(Notice(rid, mine, "\n".join([header, *(f"- {line(c, pack)}" for c in mine)])))
    return out


def notice_rows(
    notes: list[Notice], department: str, version_id: str, recorded_at: dt.datetime
) -> pd.DataFrame:
    """The `notices` rows of an amendment (the reason as its registrar reads it)."""
    rows = [
        {
            "recorded_at": recorded_at,
            "department": department,
            "version_id": version_id,
            "registrar_id": c.registrar_id,
            "date": c.date,
            "shift_before": c.before,
            "shift_after": c.after,
            "notice_days": c.notice_days,
            "short_notice": c.short_notice,
            "cause": c.cause,
            "reason": c.own_reason,
        }  # fmt: skip
        for note in notes
        for c in note.changes
    ]
    return pd.DataFrame(rows, columns=COLUMNS)
