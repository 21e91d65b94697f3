-- title: Audit of the run's watch-list changes
-- description: One audit row per firm whose watch-list status this run changed, with the reason in words.
insert into audit by name
select $run_id as run_id, credit_code, $now as changed_at, old_status, status as new_status,
       case
           when status = 'cleared' then case when change <> 'unchanged' then 'no counting hit after a change of registration'
                                             else 'no counting hit (lists changed)' end
           when old_status = 'missing' and status = 'continuing' then 'present again after missing from a full extract'
           when status = 'new' then 'first flagged'
           when status = 'changed' then case when old_status in ('new', 'continuing', 'changed')
                                             then 'registration ' || change || ', still flagged'
                                             else 'flagged again' end
           when status = 'continuing' then 'still flagged'
           when status = 'exempt' then 'licensed institution'
           when status = 'missing' then 'absent from a full extract'
           else status end as reason
from watch_next
where status is distinct from old_status;
