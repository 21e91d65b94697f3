-- title: Who is a person of interest, and why (延伸监管)
-- description: One row per person, basis and confirmed firm. A firm is confirmed when its latest decision is confirm. Basis shareholder (沪府办〔2016〕46号 附件8 四(二)4): a shareholder (person_links, the firm's latest registration) of at least $min_confirmed confirmed firms. Basis revoked_legal_rep (四(二)3): the legal representative of a confirmed firm that has a registration version with status 吊销 first seen by a run that started after the confirmation (or the run being committed: decisions wait for runs).
with confirmed as (
    select credit_code, decision_id, decided_at from decisions
    qualify row_number() over (partition by credit_code order by decided_at desc, decision_id desc) = 1
        and decision = 'confirm'
), names as (
    select credit_code, arg_max(name, version) as firm_name from firms
    where credit_code in (select credit_code from confirmed) group by credit_code
), revoked as (
    select f.credit_code, min(f.first_run) as revoked_run
    from firms f join confirmed c on c.credit_code = f.credit_code left join runs r on r.run_id = f.first_run
    where f.status like '%吊销%' and (r.run_id is null or r.started_at > c.decided_at)  -- null: the run being committed
    group by f.credit_code
), shareholders as (
    select p.person_key, p.person_name, 'shareholder' as basis, p.credit_code, p.role, c.decision_id, c.decided_at,
           null::bigint as revoked_run, count(distinct p.credit_code) over (partition by p.person_key) as firms
    from person_links p join confirmed c on c.credit_code = p.credit_code
    where p.role = 'shareholder'
), legal_reps as (
    select p.person_key, p.person_name, 'revoked_legal_rep' as basis, p.credit_code, p.role, c.decision_id,
           c.decided_at, v.revoked_run, 1 as firms
    from person_links p join confirmed c on c.credit_code = p.credit_code join revoked v on v.credit_code = p.credit_code
    where p.role = 'legal_rep'
)
select e.person_key, e.person_name, e.basis, e.credit_code, n.firm_name, e.role, e.decision_id, e.decided_at, e.revoked_run
from (select * from shareholders where firms >= $min_confirmed union all select * from legal_reps) e
left join names n on n.credit_code = e.credit_code
order by e.person_key, e.basis, e.credit_code;
