-- title: The stored firms' latest versions
-- description: Credit code, version and hashes of the latest version of every firm in the store (attached read-only as store), for the delta.
insert into stored
select credit_code, max(version) as version, arg_max(content_hash, version) as content_hash,
       arg_max(screen_hash, version) as screen_hash
from store.firms
group by credit_code;
