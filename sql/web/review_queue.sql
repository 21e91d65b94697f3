-- title: Review queue page (待审队列)
-- description: One page of the active watch list by priority for the workspace, with the firm's use (claim or mention) from its latest screening and the total matching the filters; every filter is a parameter, null meaning any.
with latest_use as (
    select credit_code, version, arg_max(use, run_id) as use
    from screenings
    where flagged
    group by credit_code, version
)
select q.priority, q.priority_reason, q.credit_code, q.name, q.status, q.lead_regulator, q.lead_category,
       q.counting_hits, q.abnormal, q.hold, q.region, q.first_flagged_on, q.last_seen_on,
       q.decision, q.decided_by, q.decided_at, u.use,
       count(*) over () as total
from v_watchlist_current q
join watchlist w on w.credit_code = q.credit_code
left join latest_use u on u.credit_code = w.credit_code and u.version = w.version
where ($regulator is null or q.lead_regulator = $regulator)
  and ($province is null or starts_with(q.region, $province))
  and ($region is null or q.region = $region)
  and ($category is null or q.lead_category = $category)
  and ($use is null or u.use = $use)
  and ($status is null or q.status = $status)
  and ($abnormal is null or q.abnormal = $abnormal)
  and ($hold is null or q.hold = $hold)
  and ($decided is null or (q.decision is not null) = $decided)
  and ($search is null or contains(q.name, $search) or starts_with(q.credit_code, upper($search)))
order by q.priority, q.credit_code
limit $limit offset $offset;
