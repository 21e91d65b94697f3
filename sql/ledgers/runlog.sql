-- title: Run log ledger
-- description: Runs that changed nothing in the store — repeats of the latest complete run (same file, same lists) — with the counts of the run they repeat. Kept in its own file beside the store (registry.runlog.duckdb) so that recording one costs a row, not a copy of the store; the view v_runs shows them with the complete runs.
create table if not exists repeats (
    run_id bigint primary key,
    extract_file varchar not null,
    extract_sha256 varchar not null,
    as_of date not null,
    full_extract boolean not null,
    started_at timestamp not null,
    finished_at timestamp,
    status varchar not null,            -- repeat
    repeat_of bigint,
    rows_in bigint, rows_loaded bigint, rows_rejected bigint,
    firms_new bigint, firms_changed bigint, firms_updated bigint, firms_unchanged bigint, firms_missing bigint,
    firms_screened bigint,
    list_versions json,
    rescreened_all boolean
);
