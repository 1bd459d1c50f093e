-- Per department and week: spread (max - min deviation from fair share) of nights, weekends,
-- hours, and the Gini coefficient of FTE-adjusted hours (hours / fte) across registrars.
with per_fte as (
    select department, week_start, registrar_id, hours / nullif(fte, 0) as hours_per_fte
    from fairness_weekly
),
gini as (
    select
        a.department,
        a.week_start,
        -- sum over all pairs |x_i - x_j| / (2 n^2 mean); the self-join already repeats each x n times
        sum(abs(a.hours_per_fte - b.hours_per_fte)) / nullif(2 * sum(b.hours_per_fte), 0) as gini_hours
    from per_fte as a
    join per_fte as b on a.department = b.department and a.week_start = b.week_start
    group by a.department, a.week_start
),
spread as (
    select
        department,
        week_start,
        count(*) as registrars,
        max(nights_deviation) - min(nights_deviation) as nights_spread,
        max(weekends_deviation) - min(weekends_deviation) as weekends_spread,
        max(hours_deviation) - min(hours_deviation) as hours_spread
    from fairness_weekly
    group by department, week_start
)
select s.*, g.gini_hours
from spread as s
join gini as g on g.department = s.department and g.week_start = s.week_start
order by s.department, s.week_start
