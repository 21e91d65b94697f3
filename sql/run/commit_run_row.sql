-- title: The run's row
-- description: The run with its counts (rows in = loaded + rejected) and list versions.
insert into runs by name
select $run_id as run_id, $extract_file as extract_file, $extract_sha256 as extract_sha256, $as_of as as_of,
       $full_extract as full_extract, $started_at as started_at, $finished_at as finished_at, $status as status,
       $repeat_of as repeat_of, $rows_in as rows_in, $rows_loaded as rows_loaded, $rows_rejected as rows_rejected,
       $firms_new as firms_new, $firms_changed as firms_changed, $firms_updated as firms_updated,
       $firms_unchanged as firms_unchanged, $firms_missing as firms_missing, $firms_screened as firms_screened,
       $list_versions::json as list_versions, $rescreened_all as rescreened_all;
