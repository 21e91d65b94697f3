-- title: Watch list by lead regulator (分工)
-- description: How many firms each lead regulator has on the watch list, by status, and how many on the abnormal-operations list or held.
create or replace view v_watchlist_by_regulator as
select lead_regulator, status, count(*) as firms,
       count(*) filter (where abnormal) as abnormal_firms, count(*) filter (where hold) as held_firms
from v_watchlist
group by all
order by lead_regulator, status;
