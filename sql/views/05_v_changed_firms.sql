-- title: Changed firms (变更登记)
-- description: Firms whose registration changed in the latest completed run, with the name and scope before and after.
create or replace view v_changed_firms as
select n.credit_code, o.version as old_version, n.version as new_version,
       o.name as old_name, n.name as new_name, o.scope as old_scope, n.scope as new_scope,
       w.status as watch_status, w.cleared_after_change
from firms n
join firms o on o.credit_code = n.credit_code and o.version = n.version - 1
left join v_watchlist w on w.credit_code = n.credit_code
where n.first_run = (select max(run_id) from runs where status = 'complete');
