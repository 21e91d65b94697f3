-- title: The watch list's order, and why (优先级)
-- description: Every active watch-list firm numbered in the order analysts work: firms on the abnormal-operations list first (经营异常名录, 沪府办〔2016〕46号 附件3 五(一)), then 延伸监管 (a person shared with a confirmed firm), then firms that hid a counting word (隐藏字样: a sign of intent), then claims by their lead category's rank and their counting hits, then mention-only firms (仅提及) after every claim; ties by credit code. priority_reason says why in Chinese. Live: a decision moves the firms it relates at once.
create or replace view v_watch_priority as
with active as (
    select w.credit_code, coalesce(w.abnormal, false) as abnormal, r.credit_code is not null as related,
           coalesce(w.obfuscated, false) as obfuscated, coalesce(w.use, 'claim') = 'mention' as mention_only,
           coalesce(w.category_rank, 99) as category_rank, coalesce(w.counting_hits, 0) as counting_hits,
           coalesce(w.hold, false) as hold, w.lead_category, w.lead_regulator
    from watchlist w
    left join v_related_to_confirmed r on r.credit_code = w.credit_code
    where w.status in ('new', 'continuing', 'changed')
)
select credit_code,
       (row_number() over (order by abnormal desc, related desc, obfuscated desc, mention_only, category_rank,
                                    counting_hits desc, credit_code))::integer as priority,
       concat_ws('；',
           case when abnormal then '经营异常名录优先（沪府办〔2016〕46号 附件3 五(一)）' end,
           case when related then '延伸监管：与已确认企业共用法定代表人或股东（沪府办〔2016〕46号 附件8 四(二)4）' end,
           case when obfuscated then '隐藏字样：计数的字样以不可见或形近字符写成' end,
           '类别：' || coalesce(lead_category, '无') ||
               case when category_rank < 99 then '（第' || category_rank || '位）' else '（未排位）' end ||
               ' → ' || coalesce(lead_regulator, '无'),
           '命中数：' || counting_hits,
           case when mention_only then '仅提及：字样只是提及他人或他事，排在所有声称之后' end,
           case when hold then '暂停：迁入且含北京暂停名单字样（京政办发〔2016〕24号 三(一)）' end
       ) as priority_reason
from active;
