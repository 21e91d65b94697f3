-- title: The run's rejects
-- description: Every record the run could not load, with its source file, record number, credit code, raw text and reason.
insert into rejects by name
select $run_id as run_id, $source_file as source_file, record, credit_code, raw, rejected as reason
from staging.incoming
where rejected is not null;
