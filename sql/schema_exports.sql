-- title: Hand-off exports
-- description: One row per hand-off to a lead regulator (regscreen export): when, up to which run, since which run, the files with their sha256 and the row count. Written in one transaction after the files are written.
create table if not exists exports (
    export_id bigint primary key,       -- 1, 2, 3 … one per regulator per hand-off
    regulator varchar not null,         -- the regulator (its entry name in keywords/regulators.toml: 银监局, 证监局 …)
    exported_at timestamp not null,
    run_id bigint not null,             -- the hand-off covers the watch list up to this run
    since_run bigint not null,          -- rows with updated_run greater than this (0: everything)
    mode varchar not null,              -- since-last | all
    row_count bigint not null,
    out_dir varchar not null,
    files json not null                 -- [{"name": …, "rows": …, "sha256": …}, …], the manifest last
);
