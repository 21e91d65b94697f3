-- title: Store schema
-- description: Tables of the registry store. Applied (idempotently) inside every scan's transaction.

create table if not exists runs (
    run_id bigint primary key,          -- 1, 2, 3 … in order
    extract_file varchar not null,      -- path of the extract as given
    extract_sha256 varchar not null,    -- sha256 of its bytes: a file is processed once
    as_of date not null,                -- the registry date the extract stands for
    full_extract boolean not null,      -- true: firms absent from it are reported missing
    started_at timestamp not null,
    finished_at timestamp,
    status varchar not null,            -- complete | repeat (same file and lists as repeat_of)
    repeat_of bigint,
    rows_in bigint, rows_loaded bigint, rows_rejected bigint,
    firms_new bigint, firms_changed bigint, firms_updated bigint, firms_unchanged bigint, firms_missing bigint,
    firms_screened bigint,
    list_versions json,                 -- {"national": "7827d0e2849b", …}
    rescreened_all boolean              -- a list changed since the last run: every firm screened again
);

create table if not exists firms (
    credit_code varchar not null,
    version integer not null,           -- 1 for the first registration seen, +1 per change
    content_hash varchar not null,      -- sha1 of every stored field: any change makes a version
    screen_hash varchar not null,       -- sha1 of the screened fields (name, scope)
    name varchar, scope varchar, address varchar, province varchar, district varchar,
    legal_rep varchar, status varchar, registered_on varchar, capital varchar, abnormal boolean,
    shareholders varchar, region varchar, region_source varchar,
    key_kind varchar,                   -- uscc (统一社会信用代码) | registration_number (15-digit 工商注册号 as the key)
    registration_number varchar,        -- the 15-digit 工商注册号 when the extract carried one beside the code
    first_run bigint not null, last_run bigint not null, seen_on date,
    primary key (credit_code, version)
);

create table if not exists rejects (
    run_id bigint not null, source_file varchar, record bigint, credit_code varchar, raw varchar, reason varchar
);

create table if not exists screenings (
    run_id bigint not null, credit_code varchar not null, version integer not null,
    flagged boolean not null, exempt_reason varchar, exempt_evidence varchar,
    counting_hits integer not null, lead_regulator varchar, lead_category varchar, hold boolean not null,
    use varchar,                        -- claim | mention (flagged firms), else null
    primary key (credit_code, version, run_id)
);

create table if not exists hits (
    run_id bigint not null, credit_code varchar not null, version integer not null,
    term varchar, field varchar, span_start integer, span_end integer, counts boolean, why varchar,
    list varchar, list_version varchar, source varchar, category varchar, regulator varchar,
    regulators varchar[], action varchar, tier varchar, matched varchar,
    use varchar,                        -- counting hits of the plans' lists: claim | mention
    use_reason varchar,                 -- the cue that decided the use (Chinese)
    obfuscated varchar                  -- how the term was hidden (invisible or look-alike characters), else null
);

create table if not exists watchlist (
    credit_code varchar primary key,
    status varchar not null,            -- new | continuing | changed | cleared | exempt | missing
    cleared_after_change boolean not null default false,
    name varchar, region varchar, lead_regulator varchar, lead_category varchar,
    category_rank integer,              -- the lead category's rank in the lists it was screened with (1 first)
    counting_hits integer, abnormal boolean, hold boolean,
    use varchar,                        -- claim | mention (of the firm's latest screening; null: not flagged)
    obfuscated boolean,                 -- a counting hit was hidden (invisible or look-alike characters)
    priority integer,                   -- 1 = look first, as numbered by the last run (v_watch_priority: live)
    priority_reason varchar,
    version integer, content_hash varchar,
    first_flagged_run bigint, first_flagged_on date, last_seen_run bigint, last_seen_on date,
    updated_run bigint
);

-- stores written before these columns existed
alter table watchlist add column if not exists category_rank integer;
alter table watchlist add column if not exists use varchar;
alter table watchlist add column if not exists obfuscated boolean;
alter table firms add column if not exists key_kind varchar;
alter table firms add column if not exists registration_number varchar;
alter table screenings add column if not exists use varchar;
alter table hits add column if not exists use varchar;
alter table hits add column if not exists use_reason varchar;
alter table hits add column if not exists obfuscated varchar;

-- decisions live in their own ledger beside the store (sql/ledgers/decisions.sql), read as the view decisions

create table if not exists audit (
    run_id bigint, credit_code varchar not null, changed_at timestamp not null,
    old_status varchar, new_status varchar not null, reason varchar
);
