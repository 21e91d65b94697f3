-- title: Hand-off rows
-- description: Watch-list entries updated after run $since (new, changed, cleared, exempt, missing…), each with its registration, its latest screening (use, exemption evidence, the list versions it was screened with), its evidence hits (the plans' counting hits, and the suspension hits of a held firm) and the regulator it goes to: its lead; for a held firm without one, the regulator of its suspension term; for a firm that left the list, the last regulator it had.
with due as (
    select * from v_watchlist where coalesce(updated_run, 0) > $since
),
latest as (  -- the latest screening of each entry's current registration
    select s.* from screenings s join due w on w.credit_code = s.credit_code and w.version = s.version
    qualify row_number() over (partition by s.credit_code order by s.run_id desc) = 1
),
evidence as (
    select e.* from v_screening_evidence e
    join latest l on e.run_id = l.run_id and e.credit_code = l.credit_code and e.version = l.version
),
last_lead as (  -- the last lead regulator an entry had (a cleared firm's latest screening has none)
    select s.credit_code, arg_max(s.lead_regulator, s.run_id) as regulator
    from screenings s join due w on w.credit_code = s.credit_code
    where s.lead_regulator is not null
    group by s.credit_code
),
last_suspension as (  -- the last suspension term's regulator (a held firm that left the list)
    select h.credit_code, arg_max(h.regulator, h.run_id) as regulator
    from hits h join due w on w.credit_code = h.credit_code
    where h.action = 'suspend' and h.tier = '重点监管'
    group by h.credit_code
)
select w.credit_code, f.name, f.scope, w.status, w.cleared_after_change, w.lead_regulator, w.lead_category,
       w.priority, w.abnormal, w.hold, w.first_flagged_on, w.last_seen_on, f.status as reg_status, f.legal_rep,
       w.region, w.version, w.updated_run,
       coalesce(w.lead_regulator, e.suspension_regulator, ll.regulator, ls.regulator) as route,
       l.use, l.exempt_reason, l.exempt_evidence, l.run_id as screened_run, r.list_versions,
       coalesce(e.hits, []) as hits
from due w
join firms f on f.credit_code = w.credit_code and f.version = w.version
left join latest l on l.credit_code = w.credit_code
left join evidence e on e.credit_code = w.credit_code
left join last_lead ll on ll.credit_code = w.credit_code
left join last_suspension ls on ls.credit_code = w.credit_code
left join runs r on r.run_id = l.run_id
order by w.priority nulls last, w.credit_code;
