-- title: Push entries with their evidence
-- description: The outbox entries named by $keys, each with the firm version it reports (the latest version with the entry's content hash that its run knew), that version's latest screening up to the entry's run (use, exemption reason and evidence, the list versions it was screened with), the registration (scope, region, abnormal, status), the evidence hits (the plans' counting hits, and the suspension hits of a held firm) and the regulator it goes to: its lead; for a held firm without one, the regulator of its suspension term; for a firm that left the list, the last regulator it had.
with entries as (
    select * from outbox where list_contains($keys, idempotency_key)
),
versions as (
    select e.idempotency_key, max(f.version) as version
    from entries e
    join firms f on f.credit_code = e.credit_code and f.content_hash = e.content_hash and f.first_run <= e.run_id
    group by e.idempotency_key
),
screened as (
    select v.idempotency_key, s.run_id, s.credit_code, s.version, s.use, s.exempt_reason, s.exempt_evidence
    from versions v
    join entries e on e.idempotency_key = v.idempotency_key
    join screenings s on s.credit_code = e.credit_code and s.version = v.version and s.run_id <= e.run_id
    qualify row_number() over (partition by v.idempotency_key order by s.run_id desc) = 1
),
evidence as (
    select s.idempotency_key, e.hits, e.suspension_regulator from v_screening_evidence e
    join screened s on e.run_id = s.run_id and e.credit_code = s.credit_code and e.version = s.version
),
last_lead as (
    select e.idempotency_key, arg_max(s.lead_regulator, s.run_id) as regulator
    from entries e join screenings s on s.credit_code = e.credit_code and s.run_id <= e.run_id
    where s.lead_regulator is not null
    group by e.idempotency_key
),
last_suspension as (
    select e.idempotency_key, arg_max(h.regulator, h.run_id) as regulator
    from entries e join hits h on h.credit_code = e.credit_code and h.run_id <= e.run_id
    where h.action = 'suspend' and h.tier = '重点监管'
    group by e.idempotency_key
)
select e.idempotency_key, v.version, f.scope, f.region, f.abnormal, f.status as registration_status,
       s.run_id as screened_run, s.use, s.exempt_reason, s.exempt_evidence, r.list_versions,
       coalesce(ev.hits, []) as hits,
       coalesce(e.lead_regulator, ev.suspension_regulator, ll.regulator, ls.regulator) as route
from entries e
left join versions v on v.idempotency_key = e.idempotency_key
left join firms f on f.credit_code = e.credit_code and f.version = v.version
left join screened s on s.idempotency_key = e.idempotency_key
left join evidence ev on ev.idempotency_key = e.idempotency_key
left join last_lead ll on ll.idempotency_key = e.idempotency_key
left join last_suspension ls on ls.idempotency_key = e.idempotency_key
left join runs r on r.run_id = s.run_id
order by e.idempotency_key;
