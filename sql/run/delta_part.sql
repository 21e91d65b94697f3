-- title: One part of the firms to screen
-- description: The reader's columns and the delta's keys of the firms of one part (records $first_record to $last_record that are screened), in record order, written as one Parquet file for a worker.
copy (
    select i.record, i.credit_code, i.name, i.scope, i.address, i.province, i.district, i.legal_rep, i.status,
           i.registered_on, i.capital, i.abnormal, i.shareholders, i.company_type, i.source_file, i.source_line,
           i.key_kind, i.registration_number, null::varchar as raw, null::varchar as problem,
           f.version, f.change, i.content_hash, f.abnormal_flag
    from incoming i
    join firms f on f.record = i.record
    where i.record between $first_record and $last_record and ($rescreen or f.change <> 'unchanged')
    order by i.record
) to $path (format parquet);
