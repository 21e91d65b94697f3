-- title: Each firm's latest decision
-- description: The latest analyst's decision on every firm that has one (whatever registration it was about), from the decisions ledger.
create or replace view v_latest_decisions as
select * from decisions
qualify row_number() over (partition by credit_code order by decided_at desc, decision_id desc) = 1;
