-- title: Watch list by region
-- description: Active watch-list firms by province (first two digits of the GB/T 2260 region code) and region code.
create or replace view v_watchlist_by_region as
select left(region, 2) as province_code, region, count(*) as firms
from v_watchlist
where status in ('new', 'continuing', 'changed')
group by all
order by province_code, region;
