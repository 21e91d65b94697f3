-- title: Firms a run raises for spot checks (重点抽查)
-- description: Every firm version written by run $run_id (new, changed or updated) that links (person_links) to a person of interest, other than the confirmed firms that made the person one; the person's roles in the firm aggregated. Names masked at the source are never in person_links, so they raise nothing.
select p.credit_code, p.person_key, arg_max(p.person_name, p.version) as person_name,
       string_agg(distinct p.role, ',' order by p.role) as roles, max(p.version) as version,
       arg_max(f.content_hash, f.version) as content_hash, arg_max(f.name, f.version) as firm_name
from person_links p
join firms f on f.credit_code = p.credit_code and f.version = p.version
where p.run_id = $run_id
  and p.person_key in (select person_key from persons_of_interest)
  and not exists (select 1 from person_interest_evidence e
                  where e.person_key = p.person_key and e.credit_code = p.credit_code)
group by p.credit_code, p.person_key
order by p.credit_code, p.person_key;
