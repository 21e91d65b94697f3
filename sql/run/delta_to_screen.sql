-- title: The firms to screen, in parts
-- description: New, changed and updated firms (every loaded firm when $rescreen: a term list changed), numbered in record order into parts of $part_rows rows for the workers; each part is a range of records, so writing it reads only the stretch of the staged extract it covers.
create table parts as
select part, min(record) as first_record, max(record) as last_record, count(*) as firms
from (select record, ((row_number() over (order by record)) - 1) // $part_rows as part
      from firms where $rescreen or change <> 'unchanged')
group by part
order by part;
