-- title: Hits per term
-- description: For each list and term, how many hits the latest screening of every firm has, and how many of them count; the others say why not.
create or replace view v_hits_per_term as
with latest as (
    select credit_code, version, run_id from screenings
    qualify row_number() over (partition by credit_code order by version desc, run_id desc) = 1
)
select h.list, h.term, count(*) as hits, count(*) filter (where h.counts) as counting,
       count(*) filter (where not h.counts) as not_counting, count(distinct h.credit_code) as firms
from hits h join latest l using (credit_code, version, run_id)
group by all
order by counting desc, hits desc;
