-- title: Insert the entries the run made
-- description: The touched firms' watch-list rows as the run left them (priority is numbered after).
insert into watchlist by name
select * exclude (old_status, change), null::integer as priority, null::varchar as priority_reason
from watch_next;
