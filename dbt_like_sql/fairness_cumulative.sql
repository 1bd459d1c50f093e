-- Cumulative fairness per registrar up to each week: running totals of the weekly counts and of
-- the deviations from fair share, next to the solver's carried balances from the ledger.
select
    w.department,
    w.week_start,
    w.registrar_id,
    sum(w.nights) over running as nights_to_date,
    sum(w.weekends) over running as weekends_to_date,
    sum(w.hours) over running as hours_to_date,
    sum(w.fair_nights) over running as fair_nights_to_date,
    sum(w.fair_hours) over running as fair_hours_to_date,
    sum(w.nights_deviation) over running as nights_deviation_to_date,
    sum(w.weekends_deviation) over running as weekends_deviation_to_date,
    sum(w.hours_deviation) over running as hours_deviation_to_date,
    l.nights_balance,
    l.weekends_balance,
    l.hours_balance
from fairness_weekly as w
join fairness_ledger as l
    on l.department = w.department and l.week_start = w.week_start and l.registrar_id = w.registrar_id
window running as (partition by w.department, w.registrar_id order by w.week_start rows between unbounded preceding and current row)
