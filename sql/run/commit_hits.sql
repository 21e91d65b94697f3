-- title: The run's hits
-- description: Every hit of every screened firm, counted or not, with its explanation, read from the workers' hit parts ($files).
insert into hits by name
select $run_id as run_id, * from read_parquet($files);
