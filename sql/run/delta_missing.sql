-- title: Stored firms missing from a full extract
-- description: Firms whose latest version is in the store but not among the firms loaded from this full extract.
create table missing as
select s.credit_code, s.version from stored s
where not exists (select 1 from firms f where f.credit_code = s.credit_code);
