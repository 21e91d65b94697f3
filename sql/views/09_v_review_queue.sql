-- title: Review queue
-- description: Watch-list firms that need an analyst's decision: no decision yet, or the registration changed since the last one.
create or replace view v_review_queue as
select * from v_watchlist_current where decision is null order by priority;
