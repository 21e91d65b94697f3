-- title: One part of the firms to screen
-- description: The reader's columns and the delta's keys of the firms of part $part, in record order, written as one Parquet file for a worker.
copy (
    select record, credit_code, name, scope, address, province, district, legal_rep, status, registered_on, capital,
           abnormal, shareholders, company_type, source_file, source_line, key_kind, registration_number,
           null::varchar as raw, null::varchar as problem, version, change, content_hash, abnormal_flag
    from to_screen where part = $part order by record
) to $path (format parquet);
