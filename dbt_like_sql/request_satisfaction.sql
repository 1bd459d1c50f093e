-- Requests honoured per department and week, and cumulatively (preference rows x dates, counted by the validator).
select
    department,
    week_start,
    requests_total,
    requests_honoured,
    100.0 * requests_honoured / nullif(requests_total, 0) as honoured_pct,
    100.0 * sum(requests_honoured) over (partition by department order by week_start)
        / nullif(sum(requests_total) over (partition by department order by week_start), 0) as honoured_pct_to_date
from solve_runs
order by department, week_start
