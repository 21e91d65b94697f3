-- title: Every run
-- description: The complete runs (from runs, in the store) and the repeats (from the run log ledger beside it), in run order: a repeat ran the same file with the same lists as the latest complete run and changed nothing.
create or replace view v_runs as
select * from runs
union all by name
select * from runlog_db.repeats
order by run_id;
