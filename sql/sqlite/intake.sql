-- title: The counter's journal and API keys (SQLite, beside the store: registry.intake.sqlite)
-- description: Checks of applications at the counter, journaled durably before each answer and flushed into the store's table application_checks when no run holds the store; and the API keys of the offices that ask (only a sha256 of each key).

create table if not exists check_journal (
    check_id text primary key,          -- 32 hex digits (uuid4): the same id in the store's table
    checked_at text not null,           -- local time, ISO 8601 with its UTC offset
    asked_by text not null,             -- the API key's name (the office) or the user of `regscreen apply`
    key_id text,                        -- the API key's public id; null from the command line
    via text not null,                  -- api | cli
    kind text not null,                 -- new | change | move_in
    region text not null,               -- GB/T 2260 code of the registering authority
    name text, scope text,              -- as applied for, personal ID numbers masked
    previous_name text, previous_scope text,
    approved integer not null,          -- 1: a move in that has been approved
    decision text not null,             -- refuse | report | pass
    summary text not null,              -- the decision in Chinese
    reasons text not null,              -- JSON array of the reasons as answered
    list_versions text not null         -- JSON object: list id -> version
);

create table if not exists api_keys (
    key_id text primary key,            -- public part of the key (rsk_<key_id>_<secret>)
    name text not null,                 -- the office or system the key was made for
    key_hash text not null,             -- sha256 of the whole key, hex; the key itself is never stored
    created_at text not null,
    revoked_at text                     -- set by `regscreen apikey revoke`; a revoked key gets 401
);
