-- title: The firms to screen
-- description: New, changed and updated firms (every loaded firm when $rescreen: a term list changed), numbered into parts of $part_rows rows for the workers.
create table to_screen as
select *, ((row_number() over (order by record)) - 1) // $part_rows as part
from firms
where $rescreen or change <> 'unchanged';
