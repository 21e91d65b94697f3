-- title: Extended tier (关注), apart from the watch list
-- description: Firms whose current registration raises only the extended tier (keywords/extended.toml): not flagged by the plans, not exempt, not on the watch list; status new (first raised by the latest run), continuing, promoted (now on the watch list of record) or cleared (raised before, not any more), with the extended terms, their reasons and the lead regulator of the first one.
create or replace view v_attention_current as
with extended_hits as (
    select run_id, credit_code, version, term, category, regulator, source, span_start
    from hits where tier = '关注'  -- extended hits never count; the tier selects them
),
raised as (  -- every screening that raised attention: an extended hit, not flagged, not exempt
    select s.run_id, s.credit_code, s.version from screenings s
    where not s.flagged and s.exempt_reason is null and not s.hold
      and exists (select 1 from extended_hits h
                  where h.run_id = s.run_id and h.credit_code = s.credit_code and h.version = s.version)
),
firsts as (
    select credit_code, min(run_id) as first_raised_run from raised group by credit_code
),
latest as (  -- each firm's current screening: its newest version, screened last
    select * from screenings
    qualify row_number() over (partition by credit_code order by version desc, run_id desc) = 1
),
terms as (
    select run_id, credit_code, version,
           string_agg(distinct term, '、' order by term) as terms,
           arg_min(category, span_start) as lead_category, arg_min(regulator, span_start) as lead_regulator,
           string_agg(distinct term || ': ' || source, ' | ' order by term || ': ' || source) as reasons
    from extended_hits group by all
)
select * from (
select case
           when w.status in ('new', 'continuing', 'changed') then 'promoted'
           when r.credit_code is null then 'cleared'
           when f.first_raised_run = (select max(run_id) from runs where status = 'complete') then 'new'
           else 'continuing'
       end as status,
       l.credit_code, firm.name, firm.region, t.lead_regulator, t.lead_category, t.terms, t.reasons,
       f.first_raised_run, l.run_id as screened_run, firm.abnormal
from firsts f
join latest l on l.credit_code = f.credit_code
join firms firm on firm.credit_code = l.credit_code and firm.version = l.version
left join raised r on r.run_id = l.run_id and r.credit_code = l.credit_code and r.version = l.version
left join terms t on t.run_id = l.run_id and t.credit_code = l.credit_code and t.version = l.version
left join watchlist w on w.credit_code = l.credit_code
) order by status = 'cleared', status = 'promoted', lead_category, credit_code;
