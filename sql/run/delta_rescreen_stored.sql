-- title: Stored firms to screen again
-- description: When a term list changed, the latest versions of stored firms that this extract does not carry are screened again too, as they are stored (negative record numbers), written into the folder $path as Parquet files of $part_rows rows each, in one pass.
copy (
    select -(row_number() over (order by f.credit_code)) as record, f.credit_code, f.name, f.scope, f.address,
           f.province, f.district, f.legal_rep, f.status, f.registered_on, f.capital,
           case when f.abnormal then '是' end as abnormal, f.shareholders, null::varchar as company_type,
           null::varchar as source_file, null::varchar as source_line, f.key_kind, f.registration_number,
           null::varchar as raw, null::varchar as problem, f.version, 'unchanged' as change, f.content_hash,
           f.abnormal as abnormal_flag
    from store.firms f
    join stored s on s.credit_code = f.credit_code and s.version = f.version
    where not exists (select 1 from firms e where e.credit_code = f.credit_code)
) to $path (format parquet, row_group_size $part_rows, row_groups_per_file 1);
