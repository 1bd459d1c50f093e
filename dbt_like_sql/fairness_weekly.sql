-- Fairness per registrar and week (within the department): nights, weekends and hours against the FTE- and
-- availability-fair share of the week's total (share = fte * available days / sum over registrars).
with weights as (
    select
        department,
        week_start,
        registrar_id,
        fte,
        available_days,
        nights,
        weekends,
        hours,
        fte * available_days / nullif(sum(fte * available_days) over (partition by department, week_start), 0) as share
    from fairness_ledger
)
select
    *,
    share * sum(nights) over (partition by department, week_start) as fair_nights,
    share * sum(weekends) over (partition by department, week_start) as fair_weekends,
    share * sum(hours) over (partition by department, week_start) as fair_hours,
    nights - share * sum(nights) over (partition by department, week_start) as nights_deviation,
    weekends - share * sum(weekends) over (partition by department, week_start) as weekends_deviation,
    hours - share * sum(hours) over (partition by department, week_start) as hours_deviation
from weights
