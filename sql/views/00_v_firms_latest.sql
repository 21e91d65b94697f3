-- title: Latest version of every firm
-- description: One row per credit code: the most recent registration version seen, with the run that last saw it.
create or replace view v_firms_latest as
select f.*
from firms f
qualify row_number() over (partition by f.credit_code order by f.version desc) = 1;
