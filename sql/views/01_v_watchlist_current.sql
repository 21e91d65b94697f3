-- title: Current watch list (重点监管对象)
-- description: Firms on the watch list now (new, continuing or changed), highest priority first (v_watch_priority: abnormal, 延伸监管, hidden words, claims by category and hits, mentions last), with the analyst's decision when it applies to the firm's current registration (a decision reopened by a supervisor no longer applies).
create or replace view v_watchlist_current as
select w.priority, w.priority_reason, w.credit_code, w.name, w.status, w.lead_regulator, w.lead_category,
       w.counting_hits, w.abnormal, w.hold, w.region, w.first_flagged_on, w.last_seen_on, w.use, w.obfuscated,
       d.decision, d.reason as decision_reason, d.decided_by, d.decided_at
from v_watchlist w
left join v_latest_decisions d on d.credit_code = w.credit_code and d.content_hash = w.content_hash
where w.status in ('new', 'continuing', 'changed')
order by w.priority;
