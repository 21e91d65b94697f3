-- title: Evidence of each screening (what a hand-off carries)
-- description: Per screening (run, firm, version): its evidence hits as a list, in reading order (name first, then scope, by span) — the plans' counting hits with term, field, span, use, list, version, source, category and regulators, and for a held firm (迁入) its suspension-list hits — and the regulator of its first suspension hit. The hand-off files and the push read it.
create or replace view v_screening_evidence as
select h.run_id, h.credit_code, h.version,
       list({'term': h.term, 'field': h.field, 'start': h.span_start, 'end': h.span_end, 'counts': h.counts,
             'use': h.use, 'use_reason': h.use_reason, 'list': h.list, 'list_version': h.list_version,
             'source': h.source, 'category': h.category, 'regulators': h.regulators, 'action': h.action,
             'obfuscated': h.obfuscated}
            order by h.field = 'scope', h.span_start, h.span_end) as hits,
       arg_min(h.regulator, h.span_start) filter (where h.action = 'suspend') as suspension_regulator
from hits h
join screenings s on s.run_id = h.run_id and s.credit_code = h.credit_code and s.version = h.version
where h.tier = '重点监管' and (h.counts or (s.hold and h.action = 'suspend'))
group by h.run_id, h.credit_code, h.version;
