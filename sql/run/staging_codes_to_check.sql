-- title: Credit codes to check
-- description: Records not rejected yet whose credit code must be checked (python-stdnum): every record but those identical to the stored version of their firm (same code, same content hash), whose code was checked when that version was stored.
select i.record, i.credit_code
from incoming i
where i.rejected is null
  and not exists (select 1 from stored s where s.credit_code = i.credit_code and s.content_hash = i.content_hash)
order by i.record;
