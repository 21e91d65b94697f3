-- title: Duplicate credit codes in one extract
-- description: A credit code seen twice in one extract loads its first usable record (not rejected otherwise) and rejects the later ones, naming the first ($template is screening.rules.validation.DUPLICATE, the rule check applies too).
update incoming set rejected = format($template, f.first_record)
from (select credit_code, min(record) as first_record from incoming
      where rejected is null and credit_code is not null group by credit_code) f
where incoming.rejected is null and incoming.credit_code = f.credit_code and incoming.record > f.first_record;
