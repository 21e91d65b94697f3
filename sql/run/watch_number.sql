-- title: Number the watch list
-- description: Store each active entry's place in the order of v_watch_priority as the run leaves it (inactive entries have none), so that what the run hands on carries it; the views show the order live, decisions since the run included.
update watchlist set priority = p.priority, priority_reason = p.priority_reason
from (select w.credit_code, v.priority, v.priority_reason
      from watchlist w left join v_watch_priority v on v.credit_code = w.credit_code) p
where p.credit_code = watchlist.credit_code
  and (watchlist.priority is distinct from p.priority or watchlist.priority_reason is distinct from p.priority_reason);
