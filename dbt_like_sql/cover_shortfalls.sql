-- Cover demands (date, shift, skill) staffed below their minimum or target.
select
    department,
    week_start,
    date,
    site,
    shift,
    coalesce(skill, '') as skill,
    min,
    target,
    assigned,
    greatest(min - assigned, 0) as below_min,
    greatest(target - assigned, 0) as below_target
from cover_status
where assigned < target
order by department, date, site, shift
