-- title: Review queue page (待审队列)
-- description: One page of the active watch list by priority for the workspace, with the total matching the filters; every filter is a parameter, null meaning any. The use filter comes as the list of firms of that use ($use_codes, from queue_use.sql).
select q.priority, q.priority_reason, q.credit_code, q.name, q.status, q.lead_regulator, q.lead_category,
       q.counting_hits, q.abnormal, q.hold, q.region, q.first_flagged_on, q.last_seen_on,
       q.decision, q.decided_by, q.decided_at,
       count(*) over () as total
from v_watchlist_current q
where ($regulator is null or q.lead_regulator = $regulator)
  and ($province is null or starts_with(q.region, $province))
  and ($region is null or q.region = $region)
  and ($category is null or q.lead_category = $category)
  and ($use_codes is null or q.credit_code in (select unnest($use_codes)))
  and ($status is null or q.status = $status)
  and ($abnormal is null or q.abnormal = $abnormal)
  and ($hold is null or q.hold = $hold)
  and ($decided is null or (q.decision is not null) = $decided)
  and ($search is null or contains(q.name, $search) or starts_with(q.credit_code, upper($search)))
order by q.priority, q.credit_code
limit $limit offset $offset;
