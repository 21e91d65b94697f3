-- title: Each firm's latest decision
-- description: The latest analyst's decision on every firm that has one (whatever registration it was about), from the decisions ledger; a firm whose latest decision is a supervisor's reopen has none (it is back in the review queue).
create or replace view v_latest_decisions as
select * from (
    select * from decisions
    qualify row_number() over (partition by credit_code order by decided_at desc, decision_id desc) = 1
) where decision <> 'reopen';
