-- title: The run's screening results
-- description: One row per screened firm, read from the workers' result parts ($files): verdict, exemption, counting hits, lead category with its rank, lead regulator, suspension and hold, use, obfuscation, region.
create temp table run_results as
select * from read_parquet($files);
