-- title: The whole watch list, numbered live
-- description: Every watch-list entry (any status) with its priority and priority_reason as v_watch_priority gives them now; hand-offs and exports read the order from here.
create or replace view v_watchlist as
select w.* replace (p.priority as priority, p.priority_reason as priority_reason)
from watchlist w
left join v_watch_priority p on p.credit_code = w.credit_code;
