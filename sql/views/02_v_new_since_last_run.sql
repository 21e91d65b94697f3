-- title: New since the last run
-- description: Watch-list firms first flagged by the latest completed run.
create or replace view v_new_since_last_run as
select w.*
from v_watchlist w
where w.first_flagged_run = (select max(run_id) from runs where status = 'complete')
order by w.priority;
