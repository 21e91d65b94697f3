-- title: Stage one chunk of an extract
-- description: Append one chunk (the registered relation staged) to incoming, hashing it on the way: content_hash is the sha1 of every stored field, screen_hash of name and scope, each joined by the unit separator with null as empty (the same digests as earlier versions, so stored firms keep matching).
insert into incoming by name
select *,
       sha1(concat_ws(chr(31), coalesce(name, ''), coalesce(scope, ''), coalesce(address, ''), coalesce(province, ''),
                      coalesce(district, ''), coalesce(legal_rep, ''), coalesce(status, ''),
                      coalesce(registered_on, ''), coalesce(capital, ''), coalesce(abnormal, ''),
                      coalesce(shareholders, ''))) as content_hash,
       sha1(concat_ws(chr(31), coalesce(name, ''), coalesce(scope, ''))) as screen_hash
from staged;
