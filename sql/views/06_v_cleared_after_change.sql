-- title: Cleared after a change
-- description: Firms that left the watch list because their registration changed (for example 投资管理 removed from the scope, or a new name): kept visible so that renamed evaders are not lost.
create or replace view v_cleared_after_change as
select w.credit_code, w.name, w.lead_regulator, w.first_flagged_on, w.last_seen_on, w.version, w.updated_run
from v_watchlist w
where w.status = 'cleared' and w.cleared_after_change
order by w.updated_run desc, w.credit_code;
