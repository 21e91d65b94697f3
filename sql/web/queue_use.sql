-- title: Use of every watch-list firm (主张/提及)
-- description: For each active watch-list firm, the use (claim or mention) of its current registration's latest screening. The workspace reads it once per published snapshot.
select w.credit_code, arg_max(s.use, s.run_id) as use
from v_watchlist w
join screenings s on s.credit_code = w.credit_code and s.version = w.version
where w.status in ('new', 'continuing', 'changed') and s.flagged
group by w.credit_code;
