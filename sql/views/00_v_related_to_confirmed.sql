-- title: Firms related to a confirmed firm (延伸监管)
-- description: Firms that share a legal representative or shareholder with a firm whose latest decision is confirm (沪府办〔2016〕46号 附件8 四(二)4), with how many such persons link them.
create or replace view v_related_to_confirmed as
select other.credit_code, count(distinct mine.person_key) as shared_persons
from person_links mine
join v_latest_decisions c on c.credit_code = mine.credit_code and c.decision = 'confirm'
join person_links other on other.person_key = mine.person_key and other.credit_code <> mine.credit_code
group by other.credit_code;
