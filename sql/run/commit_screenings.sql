-- title: The run's screenings
-- description: One screening row per screened firm version.
insert into screenings by name
select $run_id as run_id, credit_code, version, flagged, exempt_reason, exempt_evidence, counting_hits,
       lead_regulator, lead_category, hold, use
from run_results;
