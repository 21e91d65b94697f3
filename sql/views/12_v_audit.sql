-- title: Audit: every change of a firm's watch-list state, and every decision
-- description: One list in time order: the status changes the runs made (from audit, with their reason) and the analysts' decisions (from the decisions ledger: "decision confirm by 张三: 核实…", with the firm's watch-list status when decided).
create or replace view v_audit as
select run_id, credit_code, changed_at, old_status, new_status, reason
from audit
union all
select null as run_id, credit_code, decided_at as changed_at, watch_status as old_status,
       watch_status as new_status, 'decision ' || decision || ' by ' || decided_by || ': ' || reason as reason
from decisions
order by changed_at;
