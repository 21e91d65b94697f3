-- title: Rejects of the last run
-- description: Records the latest run could not load, with the reason and the raw source row, so the registration office can fix them.
create or replace view v_rejects_last_run as
select r.source_file, r.record, r.credit_code, r.reason, r.raw
from rejects r
where r.run_id = (select max(run_id) from runs where status = 'complete')
order by r.record;
