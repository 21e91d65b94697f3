-- title: Applications checked at the counter (暂停核准/暂停登记, 京政办发〔2016〕24号 三(一))
-- description: Every check of an application (new registration, change, move in) with its decision, who asked, when and the list versions, and one row per reason; flushed here from the counter's journal (registry.intake.sqlite) under the run lock.

create table if not exists application_checks (
    check_id varchar primary key,       -- the id the answer carried
    checked_at timestamp not null,      -- when the counter answered (local time)
    asked_by varchar not null,          -- the API key's name (the office) or the user of `regscreen apply`
    key_id varchar,                     -- the API key's public id; null from the command line
    via varchar not null,               -- api | cli
    kind varchar not null,              -- new | change | move_in
    region varchar not null,            -- GB/T 2260 code of the registering authority
    name varchar, scope varchar,        -- as applied for (personal ID numbers masked)
    previous_name varchar, previous_scope varchar,
    approved boolean not null,
    decision varchar not null,          -- refuse | report | pass
    summary varchar not null,           -- the decision in Chinese
    list_versions varchar not null,     -- JSON object: list id -> version
    recorded_at timestamp not null      -- when it was flushed from the journal into the store
);

create table if not exists application_check_reasons (
    check_id varchar not null,
    position integer not null,          -- the reason's place in the answer (0 first)
    term varchar not null,
    field varchar not null,             -- name | scope
    list varchar not null,
    list_version varchar not null,
    action varchar not null,            -- suspend | watch
    effect varchar not null,            -- refuse | report | none
    source varchar not null,
    why varchar not null,               -- in Chinese
    matched varchar,                    -- the original text of the span
    span_start integer, span_end integer,
    primary key (check_id, position)
);
