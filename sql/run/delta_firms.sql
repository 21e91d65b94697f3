-- title: The delta: what changed since the store last saw each firm
-- description: One narrow row per loaded firm (the records not rejected; their fields stay in incoming, joined by record) with its change against the stored latest version — new (unknown code), changed (name or scope, 变更登记), updated (another stored field), unchanged (same content hash) — the version it will have, and its abnormal-operations flag ($abnormal_yes: the values that mean listed).
create table firms as
select i.record, i.credit_code,
       case when s.credit_code is null then 'new'
            when s.screen_hash <> i.screen_hash then 'changed'
            when s.content_hash <> i.content_hash then 'updated'
            else 'unchanged' end as change,
       (case when s.credit_code is null then 1
             when s.content_hash = i.content_hash then s.version
             else s.version + 1 end)::integer as version,
       coalesce(list_contains($abnormal_yes, upper(trim(i.abnormal, $blank))), false) as abnormal_flag
from incoming i
left join stored s on s.credit_code = i.credit_code
where i.rejected is null
order by i.record;
