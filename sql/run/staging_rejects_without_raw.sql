-- title: Rejects without their source text
-- description: Rejected records whose reader kept no raw text (Parquet, Excel): their fields are written as JSON for the rejects table.
select record, credit_code, name, scope, address, province, district, legal_rep, status, registered_on, capital,
       abnormal, shareholders, company_type, source_file, source_line
from incoming
where rejected is not null and raw is null
order by record;
