-- title: Spot-check list (延伸监管：重点抽查)
-- description: Firms to spot-check now (沪府办〔2016〕46号 附件8 四(二)3–4), one row per firm and person of interest: the firm's name and registration status of the version that raised it, the person (display name, ID masked), the roles there, why the person is of interest and through which confirmed firms (reason, in Chinese), the regulator it goes to, the runs, the watch-list status if any, and the push status of the firm's latest spot-check entry in the outbox. Not the watch list: a firm is here with no term hit. Withdrawn checks stay in the table spot_checks. Names masked at the source (王*) link nothing (note).
create or replace view v_spot_checks as
select s.credit_code, f.name, f.status as registration_status, f.region, s.person_name, s.roles, s.bases,
       s.reason, s.through_firms, s.lead_regulator, s.raised_run, s.raised_at, s.updated_run,
       coalesce(w.status, 'not listed') as watch_status, coalesce(o.push_status, 'none') as push_status,
       '源数据中已脱敏的姓名（如 王*）无法区分同姓者，不作关联，也不据以列入重点抽查' as note
from spot_checks s
left join firms f on f.credit_code = s.credit_code and f.version = s.version
left join watchlist w on w.credit_code = s.credit_code
left join (
    select credit_code, arg_max(case when delivered_at is null then 'pending' else 'delivered' end, created_at) as push_status
    from outbox where status in ('spot_check', 'spot_check_withdrawn') group by credit_code
) o on o.credit_code = s.credit_code
where s.status = 'active'
order by s.raised_run desc, s.credit_code, s.person_name;
