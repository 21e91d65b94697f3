-- title: Person–firm links (延伸监管)
-- description: Legal representatives and shareholders linked to firms (latest registration), display name with ID numbers masked, role, firm name, watch-list status and the firm's latest decision.
create or replace view v_person_links as
select p.person_name, p.role, p.credit_code, f.name, coalesce(w.status, 'not listed') as watch_status,
       d.decision as latest_decision,
       count(*) over (partition by p.person_key) as links_of_person
from person_links p
left join v_firms_latest f on f.credit_code = p.credit_code
left join watchlist w on w.credit_code = p.credit_code
left join v_latest_decisions d on d.credit_code = p.credit_code
order by links_of_person desc, p.person_name, p.credit_code;
