-- title: New firm versions
-- description: A version row for every new, changed and updated firm of the run (its fields from the staged extract), with the region its screening found (unscreened firms: none).
insert into firms by name
select f.credit_code, f.version, i.content_hash, i.screen_hash, i.name, i.scope, i.address, i.province, i.district,
       i.legal_rep, i.status, i.registered_on, i.capital, f.abnormal_flag as abnormal, i.shareholders,
       r.region, r.region_source, coalesce(i.key_kind, 'uscc') as key_kind, i.registration_number,
       $run_id as first_run, $run_id as last_run, $as_of as seen_on
from staging.firms f
join staging.incoming i on i.record = f.record
left join run_results r on r.credit_code = f.credit_code
where f.change <> 'unchanged';
