-- title: The watch list after this run: the entries that change
-- description: The lifecycle of 重点监管对象, for every firm the run touched. A screened firm that is flagged, held, hits as a licensed institution, or already has an entry gets a new entry: new (first flagged), continuing (still flagged, same registration), changed (its registration changed and it still hits, or flagged again), cleared (no counting hit any more; cleared_after_change when its registration changed, kept while it stays cleared), exempt (a licensed institution, never active). A firm moving in (迁入) with a Beijing suspension-list term is held (京政办发〔2016〕24号 三(一)). An unchanged firm that was not screened is seen again (new, changed or missing become continuing). An active firm absent from a full extract becomes missing. old_status and change say what it was and why, for the audit.
create temp table watch_next as
with screened as (
    select r.*, w.status as old_status, w.cleared_after_change as old_cleared, w.first_flagged_run as old_first_run,
           w.first_flagged_on as old_first_on,
           coalesce(r.hold, false) as held,
           r.exempt_reason is not null as is_exempt,
           coalesce(r.flagged, false) or coalesce(r.hold, false) as watched
    from run_results r
    left join watchlist w on w.credit_code = r.credit_code
    where r.flagged or r.suspended_term or w.credit_code is not null or r.counting_hits > 0
),
judged as (
    select *, case
        when is_exempt then case when old_status is not null or watched or counting_hits > 0 then 'exempt' end
        when watched then case
            when old_status is null then 'new'
            when old_status not in ('new', 'continuing', 'changed') or change in ('changed', 'updated') then 'changed'
            else 'continuing' end
        when old_status in ('new', 'continuing', 'changed', 'missing') then 'cleared'
        else old_status end as new_status
    from screened
),
entries as (
    select credit_code, new_status as status,
           case when new_status <> 'cleared' then false
                when old_status = 'cleared' then coalesce(old_cleared, false)
                else change <> 'unchanged' end as cleared_after_change,
           name, region, lead_regulator, lead_category, category_rank, coalesce(counting_hits, 0) as counting_hits,
           coalesce(abnormal_flag, false) as abnormal, held as hold, use, coalesce(obfuscated, false) as obfuscated,
           version, content_hash,
           coalesce(old_first_run, case when watched then $run_id end) as first_flagged_run,
           case when old_first_run is not null then old_first_on when watched then $as_of end as first_flagged_on,
           $run_id as last_seen_run, $as_of as last_seen_on, $run_id as updated_run,
           old_status, change
    from judged
    where new_status is not null
),
seen_again as (
    select w.credit_code,
           case when w.status in ('new', 'changed', 'missing') then 'continuing' else w.status end as status,
           w.cleared_after_change, w.name, w.region, w.lead_regulator, w.lead_category, w.category_rank,
           w.counting_hits, w.abnormal, w.hold, w.use, w.obfuscated, w.version, w.content_hash, w.first_flagged_run,
           w.first_flagged_on, $run_id as last_seen_run, $as_of as last_seen_on,
           case when w.status = 'missing' then $run_id else w.updated_run end as updated_run,
           w.status as old_status, 'unchanged' as change
    from watchlist w
    join staging.firms u on u.credit_code = w.credit_code and u.change = 'unchanged'
    where not exists (select 1 from run_results r where r.credit_code = w.credit_code)
),
untouched_missing as (
    select w.* exclude (priority, priority_reason), w.status as old_status, 'unchanged' as change
    from watchlist w
    join staging.missing m on m.credit_code = w.credit_code
    where w.status in ('new', 'continuing', 'changed')
      and not exists (select 1 from run_results r where r.credit_code = w.credit_code)
),
touched as (
    select * from entries
    union all by name select * from seen_again
    union all by name select * from untouched_missing
)
select t.* replace (
           case when m.credit_code is not null and t.status in ('new', 'continuing', 'changed') then 'missing'
                else t.status end as status,
           case when m.credit_code is not null and t.status in ('new', 'continuing', 'changed') then $run_id
                else t.updated_run end as updated_run)
from touched t
left join staging.missing m on m.credit_code = t.credit_code;
