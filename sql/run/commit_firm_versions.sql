-- title: New firm versions
-- description: A version row for every new, changed and updated firm of the run, with the region its screening found (unscreened firms: none).
insert into firms by name
select f.credit_code, f.version, f.content_hash, f.screen_hash, f.name, f.scope, f.address, f.province, f.district,
       f.legal_rep, f.status, f.registered_on, f.capital, f.abnormal_flag as abnormal, f.shareholders,
       r.region, r.region_source, coalesce(f.key_kind, 'uscc') as key_kind, f.registration_number,
       $run_id as first_run, $run_id as last_run, $as_of as seen_on
from staging.firms f
left join run_results r on r.credit_code = f.credit_code
where f.change <> 'unchanged';
