-- title: Applications checked at the counter
-- description: One row per reason of every recorded check (a check without reasons: one row, term null): when, the office or user that asked (office), kind, region, name, decision, and the term, field, list, effect (refuse/report/none), source and why of the reason. Count checks with count(distinct check_id), refusals by term with effect = 'refuse'.
create or replace view v_application_checks as
select c.check_id, c.checked_at, c.asked_by as office, c.via, c.kind, c.region, c.name, c.decision,
       r.term, r.field, r.list, r.action, r.effect, r.source, r.why, c.summary, c.list_versions
from application_checks c
left join application_check_reasons r on r.check_id = c.check_id
order by c.checked_at, c.check_id, r.position;
