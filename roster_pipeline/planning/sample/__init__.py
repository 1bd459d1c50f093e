"""A synthetic but realistic registrar department, sized so that it can be rostered under `au-vic`.

`make_sample()` returns every table of docs/engine-spec.md §1 (ISO dates, `HH:MM` times, `|` lists),
deterministic for a seed. `capacity_report()` re-derives the demand/capacity arithmetic from the tables
alone, so tests can check that minimum cover is reachable without running the solver.

One module per table or concern: `base` (table layouts, shift templates, the draft registrar),
`registrars` (registrars, partners), `cover` (shift types, cover targets), `leave` (leave,
preferences), `training`, `history` (history, history totals), `holidays`, `assemble`
(`make_sample`, `write_sample`) and `capacity` (`capacity_report`).

Capacity arithmetic (per site, per week; shift lengths D/E 8.5 h, N 10.5 h, LD 12.5 h):

* Available hours ``A = sum(contract_hours * available_days / horizon_days)`` over registrars whose home
  is the site (approved leave removed; cross-site registrars are extra slack, not counted).
* Target budget ``B = 0.9 * A``, split 24 % nights, 13 % weekend long days, 20 % weekday evenings and
  the rest weekday days: ``N = round(0.24 B / (7 * 10.5))``, ``LD = round(0.13 B / (2 * 12.5))``,
  ``E = round(0.20 B / (5 * 8.5))``, ``D = round((B - 73.5 N - 25 LD - 42.5 E) / 42.5)``.
  ``min = max(1, floor(0.75 * target + 0.4))`` (~0.75 of target hours), ``max = target + ceil(target / 4)``.
  With few heads per shift the rounding puts min nearer 0.6 of target hours.
  Example, 15 registrars at a site (~14.5 FTE, ~4 % away on leave): A ~ 560 h, B ~ 500 h,
  N = 2, LD = 3, E = 2, D = 4 or 5 (target 477-520 h/week), min N 1, LD 2, E 1, D 3 or 4
  (294-336 h/week, ~0.55 A).
* Each registrar can give at most 10 shifts per 14 days (au-vic: 4 days off per fortnight), at most
  ``1.15 * contract_hours`` per week (hard contract band), and nights in blocks of <= 4 followed by
  recovery days, i.e. <= 4 nights per 6 days (about 1 night in 1.5 days, ~4.5 nights a week at most).
  A night slot open 7 nights a week therefore ties up ~ 7 / 4.5 ~ 1.6 full-time registrars at the
  very least; two slots need ~ 3.2 of a site's ~ 14.5 FTE, and the site's minimum cover (~ 0.55 A)
  sits inside the 0.7..1.15 contract band with room to spare. Whole department at the default size:
  available 6706 h over 4 weeks, min cover 3684 h (0.55), target 5860 h (0.87), max 8266 h (1.23);
  at 120 registrars x 13 weeks: 57441 h, min 0.65, target 0.89. (A scratch CP-SAT model of au-vic's
  hard rules found rosters meeting every target at both sizes, and under uk-2016.)
* Skill mix: every night needs >= 1 `senior`. With N on nights, seniors must do >= 1/N of all nights, so
  their share of FTE-weighted availability must be >= 1/N for FTE-fair night counts to be possible;
  the generator starts at half the site senior and promotes registrars until that share is >= 1/N + 0.02
  (capped at 70 %). Hence the grade mix is ~50-60 % senior for two-on-nights sites.
* Weekends (au-vic caps them at 1 in 2): a weekend needs ``2 * (LD + N)`` shifts, i.e. ``LD + N``
  registrars working both days, against ~ n/2 registrars allowed per weekend (5 of ~7.5 at n = 15).
* Registrar teaching (group `registrar`, one Wednesday 13:00-17:00) takes every non-senior off day and
  evening shifts; date-specific cover rows lower that day's day/evening cover to what the site's
  available seniors can staff (seniors available minus 3 for the night and rest).
"""

from roster_pipeline.planning.sample.assemble import make_sample, sample_size_problem, write_sample
from roster_pipeline.planning.sample.base import COLUMNS
from roster_pipeline.planning.sample.capacity import capacity_report
from roster_pipeline.planning.sample.cover import cover_max, cover_min, site_targets
from roster_pipeline.planning.sample.holidays import victorian_public_holidays

__all__ = [
    "COLUMNS",
    "capacity_report",
    "cover_max",
    "cover_min",
    "make_sample",
    "sample_size_problem",
    "site_targets",
    "victorian_public_holidays",
    "write_sample",
]
