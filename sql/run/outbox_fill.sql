-- title: The outbox entries of a run
-- description: Every watch-list status change of run $run_id into new, changed, cleared, exempt or missing becomes an outbox entry, in the run's transaction; its idempotency key is the sha256 of (credit code, run, new status, content hash) joined by the unit separator, and a key already there is not added again.
insert into outbox (idempotency_key, run_id, credit_code, old_status, status, name, lead_regulator, lead_category,
                    priority, counting_hits, hold, content_hash, created_at)
select k.* from (
    select sha256(concat_ws(chr(31), a.credit_code, a.run_id::varchar, a.new_status, coalesce(w.content_hash, '')))
               as idempotency_key,
           a.run_id, a.credit_code, a.old_status, a.new_status as status, w.name, w.lead_regulator, w.lead_category,
           w.priority, w.counting_hits, w.hold, w.content_hash, a.changed_at as created_at
    from audit a join watchlist w on w.credit_code = a.credit_code
    where a.run_id = $run_id and a.new_status in ('new', 'changed', 'cleared', 'exempt', 'missing')
) k
where k.idempotency_key not in (select idempotency_key from outbox)
order by k.credit_code;
