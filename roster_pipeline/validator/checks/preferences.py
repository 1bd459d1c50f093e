"""Preference rules: requests, continuity, partners working the same shift, home site."""

from __future__ import annotations

from roster_pipeline.core.rules import Rule
from roster_pipeline.validator.checks.common import Check, violation
from roster_pipeline.validator.facts import RosterFacts
from roster_pipeline.validator.report import Violation
from roster_pipeline.validator.values import row_weight

DEFAULT_PARTNER_WEIGHT = 1


def check_requests(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per (preference row, date) not honoured, priced by the row's weight. Notes stay private."""
    scope = {r.registrar_id for r in f.scope(rule)}
    out = []
    for pref, day, honoured in f.request_outcomes():
        if honoured or pref.registrar_id not in scope:
            continue
        rid = pref.registrar_id
        codes = "/".join(s.code for s in f.on(rid, day))
        if pref.request == "day_off":
            text = f"{rid} asked for {day} off but works {codes}"
        elif pref.request == "avoid":
            text = f"{rid} asked to avoid {pref.shift} on {day} but works {codes}"
        else:
            text = f"{rid} asked for {pref.shift} on {day} but " + (f"works {codes}" if codes else "is off")
        out.append(violation(rule, rid, [day], 1, f"{text} (weight {pref.weight})", price=pref.weight))
    return out


def _joined(values: set[str]) -> str:
    return "/".join(sorted(values))


def check_continuity(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Kind changes, site changes between worked consecutive horizon days, and isolated days."""
    # Interpretation: on a day with several shifts, kinds (sites) "differ" when the sets differ;
    # a part whose weight is missing or zero is switched off (its units are not reported).
    weights = {key: int(rule.params.get(key) or 0) for key in ("kind_change", "site_change", "isolated")}
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        worked = f.flags(rid)
        for i in range(f.h0, len(f.days) - 1):
            day, nxt = f.days[i], f.days[i + 1]
            today, tomorrow = f.on(rid, day), f.on(rid, nxt)
            kinds = ({s.kind for s in today}, {s.kind for s in tomorrow})
            sites = ({s.site for s in today}, {s.site for s in tomorrow})
            if today and tomorrow and weights["kind_change"] and kinds[0] != kinds[1]:
                msg = f"{rid} changes from {_joined(kinds[0])} to {_joined(kinds[1])} shifts on {nxt}"
                out.append(violation(rule, rid, [day, nxt], 1, msg, price=weights["kind_change"]))
            if today and tomorrow and weights["site_change"] and sites[0] != sites[1]:
                msg = f"{rid} changes site from {_joined(sites[0])} to {_joined(sites[1])} on {nxt}"
                out.append(violation(rule, rid, [day, nxt], 1, msg, price=weights["site_change"]))
            before = worked[i - 1] if i > 0 else False  # an unknown day counts as not worked
            if weights["isolated"] and worked[i] and not before and not worked[i + 1]:
                msg = f"{rid} works an isolated single day on {day}"
                out.append(violation(rule, rid, [day], 1, msg, price=weights["isolated"]))
    return out


def check_partners(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per partner pair and horizon day where both work but on different shifts."""
    # Interpretation: a pair is in scope when both registrars are; "different shifts" compares the
    # sets of shift codes worked that day.
    scope = {r.registrar_id for r in f.scope(rule)}
    out = []
    for row in f.table("partners"):
        a, b = str(row["registrar_a"]).strip(), str(row["registrar_b"]).strip()
        if a not in scope or b not in scope:
            continue
        weight = row_weight(row.get("weight"), DEFAULT_PARTNER_WEIGHT)
        for day in f.horizon.days:
            codes_a, codes_b = {s.code for s in f.on(a, day)}, {s.code for s in f.on(b, day)}
            if codes_a and codes_b and codes_a != codes_b:
                msg = (
                    f"{a} ({_joined(codes_a)}) and {b} ({_joined(codes_b)}) both work on {day} "
                    f"but on different shifts (weight {weight})"
                )
                out.append(violation(rule, a, [day], 1, msg, price=weight))
    return out


def check_site_preference(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Per horizon shift at a site other than the home site."""
    out = []
    for reg in f.scope(rule):
        rid = reg.registrar_id
        for w in f.timeline(rid, horizon_only=True):
            if w.shift.site != reg.home_site:
                msg = (
                    f"{rid} works {w.shift.code} on {w.day} at {w.shift.site}, not home site {reg.home_site}"
                )
                out.append(violation(rule, rid, [w.day], 1, msg))
    return out


CHECKS: dict[str, Check] = {
    "requests": check_requests,
    "continuity": check_continuity,
    "partners": check_partners,
    "site_preference": check_site_preference,
}
