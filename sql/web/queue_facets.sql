-- title: Review queue filters (待审队列的筛选项)
-- description: The values the queue's filters offer, from the active watch list: each lead regulator, category, region and status with its number of firms (kind: regulator, category, region, status).
select 'regulator' as kind, lead_regulator as value, count(*) as firms from v_watchlist_current
where lead_regulator is not null group by all
union all
select 'category', lead_category, count(*) from v_watchlist_current where lead_category is not null group by all
union all
select 'region', region, count(*) from v_watchlist_current where region is not null group by all
union all
select 'status', status, count(*) from v_watchlist_current group by all
order by kind, firms desc, value;
