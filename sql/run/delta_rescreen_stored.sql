-- title: Stored firms to screen again
-- description: When a term list changed, the latest versions of stored firms that this extract does not carry are screened again too, as they are stored (numbered after the extract's firms, with negative record numbers).
insert into to_screen by name
select f.credit_code, f.name, f.scope, f.address, f.province, f.district, f.legal_rep, f.status, f.registered_on,
       f.capital, case when f.abnormal then '是' end as abnormal, f.shareholders, f.key_kind, f.registration_number,
       f.content_hash, f.screen_hash, f.version, f.abnormal as abnormal_flag, 'unchanged' as change,
       -(row_number() over (order by f.credit_code)) as record,
       $first_part + ((row_number() over (order by f.credit_code)) - 1) // $part_rows as part
from store.firms f
join stored s on s.credit_code = f.credit_code and s.version = f.version
where not exists (select 1 from firms e where e.credit_code = f.credit_code);
