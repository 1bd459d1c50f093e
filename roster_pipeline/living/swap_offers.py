"""Swap offers between registrars: one offers a shift of a published roster (and may ask for one of
the colleague's in return), the colleague accepts or declines, and on acceptance the swap check
(`swaps.check_swap`) gives its verdict: approved (recorded at once as an amended, approved version
for a manager to publish), pending (a manager decides) or refused (a hard rule).

Kept in the append-only `swap_offers` table: every step is a row and an offer's state is its latest
row. `now` and the actor are always passed in. The web service and any other caller use these
functions; the verdict's reasons name colleagues' absences only as "unavailable".
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import pandas as pd

from roster_pipeline.core.domain import Department, frame_hash
from roster_pipeline.core.rules import RulePack
from roster_pipeline.core.warehouse import Warehouse
from roster_pipeline.living.amendments import record_swap
from roster_pipeline.living.swaps import Hand, SwapError, check_swap, describe
from roster_pipeline.living.versions import Provenance, assignments, get_version

OPEN = ("offered", "accepted", "pending")
FINAL = ("approved", "refused", "declined", "withdrawn")


@dataclass(frozen=True)
class SwapOffer:
    """One offer in its current state."""

    swap_id: str
    department: str
    version_id: str
    give: Hand
    take: Hand
    status: str
    reasons: list[str] = field(default_factory=list)
    amended_version: str = ""

    def summary(self) -> dict[str, object]:
        return {
            "swap_id": self.swap_id,
            "department": self.department,
            "version_id": self.version_id,
            "giver": self.give.registrar_id,
            "give_date": self.give.date.isoformat() if self.give.date else None,
            "give_shift": self.give.shift,
            "taker": self.take.registrar_id,
            "take_date": self.take.date.isoformat() if self.take.date else None,
            "take_shift": self.take.shift,
            "status": self.status,
            "reasons": self.reasons,
            "amended_version": self.amended_version or None,
        }

    def involves(self, registrar_id: str) -> bool:
        return registrar_id in (self.give.registrar_id, self.take.registrar_id)


def _rows(wh: Warehouse, department: str | None = None) -> pd.DataFrame:
    wh.append_only_ready()
    sql = "SELECT * FROM swap_offers"
    return wh.query(
        sql + (" WHERE department = ?" if department else "") + " ORDER BY swap_id, step",
        [department] if department else None,
    )


def _offer(row: pd.Series) -> SwapOffer:
    def day(value: object) -> dt.date | None:
        return None if value is None or pd.isna(value) else pd.Timestamp(value).date()

    def text(value: object) -> str | None:
        return None if value is None or pd.isna(value) or value == "" else str(value)

    return SwapOffer(
        swap_id=str(row["swap_id"]),
        department=str(row["department"]),
        version_id=str(row["version_id"]),
        give=Hand(str(row["giver_id"]), day(row["give_date"]), text(row["give_shift"])),
        take=Hand(str(row["taker_id"]), day(row["take_date"]), text(row["take_shift"])),
        status=str(row["status"]),
        reasons=json.loads(row["reasons"]) if text(row["reasons"]) else [],
        amended_version=text(row["amended_version"]) or "",
    )


def offers(wh: Warehouse, department: str) -> list[SwapOffer]:
    """Every offer of the department in its current state, oldest first."""
    frame = _rows(wh, department)
    latest = frame.groupby("swap_id", sort=False).tail(1)
    return [_offer(row) for _, row in latest.iterrows()]


def get_offer(wh: Warehouse, department: str, swap_id: str) -> SwapOffer:
    found = [o for o in offers(wh, department) if o.swap_id == swap_id]
    if not found:
        raise SwapError(f"no swap offer {swap_id!r}")
    return found[0]


def _append(wh: Warehouse, offer: SwapOffer, actor: str, now: dt.datetime) -> SwapOffer:
    previous = _rows(wh, offer.department)
    row = {
        "recorded_at": now,
        "swap_id": offer.swap_id,
        "step": int((previous["swap_id"] == offer.swap_id).sum()) + 1,
        "department": offer.department,
        "version_id": offer.version_id,
        "giver_id": offer.give.registrar_id,
        "give_date": offer.give.date,
        "give_shift": offer.give.shift,
        "taker_id": offer.take.registrar_id,
        "take_date": offer.take.date,
        "take_shift": offer.take.shift or "",
        "status": offer.status,
        "actor": actor,
        "reasons": json.dumps(offer.reasons),
        "amended_version": offer.amended_version,
    }
    wh.append({"swap_offers": pd.DataFrame([row])})
    return offer


def offer_swap(
    wh: Warehouse, department: str, version_id: str, give: Hand, take: Hand, actor: str, now: dt.datetime
) -> SwapOffer:
    """Record `give`'s offer to `take`'s registrar (SwapError if the version is not published, the
    giver does not hold the shift, or the swap cannot be applied)."""
    version = get_version(wh, version_id)
    if version.state != "published":
        raise SwapError(f"{version_id} is {version.state}: swaps apply to the published roster")
    roster = assignments(wh, version_id)
    for hand in (give, take):
        if hand.date is None:
            continue
        held = roster[(roster["registrar_id"] == hand.registrar_id) & (roster["date"] == hand.date)]
        if not (held["shift"] == hand.shift).any():
            raise SwapError(f"{hand.registrar_id} does not work {hand.shift} on {hand.date} in {version_id}")
    if give.registrar_id == take.registrar_id:
        raise SwapError("a swap needs two different registrars")
    number = len(_rows(wh)["swap_id"].unique()) + 1
    return _append(wh, SwapOffer(f"S{number:04d}", department, version_id, give, take, "offered"), actor, now)


def _move(wh: Warehouse, offer: SwapOffer, status: str, actor: str, now: dt.datetime, **changes) -> SwapOffer:
    fields = {**offer.__dict__, "status": status, **changes}
    return _append(wh, SwapOffer(**fields), actor, now)


def withdraw(wh: Warehouse, offer: SwapOffer, actor: str, now: dt.datetime) -> SwapOffer:
    if offer.status != "offered":
        raise SwapError(f"{offer.swap_id} is {offer.status}: only an open offer can be withdrawn")
    return _move(wh, offer, "withdrawn", actor, now)


def decline(wh: Warehouse, offer: SwapOffer, actor: str, now: dt.datetime) -> SwapOffer:
    if offer.status not in ("offered", "pending"):
        raise SwapError(f"{offer.swap_id} is {offer.status}: it cannot be declined now")
    return _move(wh, offer, "declined", actor, now)


def _record(
    wh: Warehouse,
    offer: SwapOffer,
    roster: pd.DataFrame,
    dept: Department,
    pack: RulePack,
    actor: str,
    now: dt.datetime,
) -> str:
    """The approved swap as an amended, approved version; its id."""
    provenance = Provenance(actor, "swap", pack.id, pack.version, frame_hash(dict(dept.tables)))
    version, _ = record_swap(
        wh, offer.version_id, roster, describe(offer.give, offer.take), pack, provenance, now
    )
    return version.version_id


def accept(
    wh: Warehouse, offer: SwapOffer, dept: Department, pack: RulePack, actor: str, now: dt.datetime
) -> SwapOffer:
    """The colleague accepts: the swap check decides approved (recorded), pending or refused."""
    if offer.status != "offered":
        raise SwapError(f"{offer.swap_id} is {offer.status}: only an open offer can be accepted")
    version = get_version(wh, offer.version_id)
    if version.state != "published":
        raise SwapError(
            f"{offer.version_id} is no longer published: offer the swap again on the current roster"
        )
    verdict = check_swap(
        dept, pack, version.horizon, assignments(wh, offer.version_id), offer.give, offer.take
    )
    if verdict.verdict == "approved" and verdict.roster is not None:
        amended = _record(wh, offer, verdict.roster, dept, pack, actor, now)
        return _move(wh, offer, "approved", actor, now, reasons=verdict.reasons, amended_version=amended)
    return _move(wh, offer, verdict.verdict, actor, now, reasons=verdict.reasons)


def decide(
    wh: Warehouse,
    offer: SwapOffer,
    approve: bool,
    dept: Department,
    pack: RulePack,
    actor: str,
    now: dt.datetime,
) -> SwapOffer:
    """A manager decides a pending swap: approved (recorded as an amended version) or declined."""
    if offer.status != "pending":
        raise SwapError(f"{offer.swap_id} is {offer.status}: a manager decides pending swaps only")
    if not approve:
        return _move(wh, offer, "declined", actor, now)
    version = get_version(wh, offer.version_id)
    verdict = check_swap(
        dept, pack, version.horizon, assignments(wh, offer.version_id), offer.give, offer.take
    )
    if verdict.verdict == "refused" or verdict.roster is None:
        return _move(wh, offer, "refused", actor, now, reasons=verdict.reasons)
    amended = _record(wh, offer, verdict.roster, dept, pack, actor, now)
    return _move(wh, offer, "approved", actor, now, reasons=offer.reasons, amended_version=amended)
