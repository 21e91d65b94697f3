-- title: Staging tables of one run
-- description: The run's own DuckDB file in its parts folder: every record of the extract as read (with its hashes and reject reason), the code checks, the rejects, the firms to load with their change, and the stored firms missing from a full extract.
create table if not exists incoming (
    record bigint not null,             -- 1-based data record of the extract
    credit_code varchar,                -- stripped and upper-cased (blank: null)
    name varchar, scope varchar, address varchar, province varchar, district varchar, legal_rep varchar,
    status varchar, registered_on varchar, capital varchar, abnormal varchar, shareholders varchar,
    company_type varchar, source_file varchar, source_line varchar,
    key_kind varchar,                   -- uscc | registration_number (null: uscc)
    registration_number varchar,        -- the 15-digit 工商注册号 when the extract carries one
    raw varchar,                        -- the source text of the record (CSV, JSON Lines), else null
    problem varchar,                    -- why the reader could not read it, else null
    rejected varchar,                   -- why it is not loaded, else null (code checks come later)
    content_hash varchar,               -- sha1 of every stored field (staging_hashes.sql)
    screen_hash varchar                 -- sha1 of name and scope
);
create table if not exists stored (
    credit_code varchar not null, version integer not null, content_hash varchar, screen_hash varchar
);
