-- title: Person–firm links (延伸监管)
-- description: Legal representatives and shareholders of each firm's latest registration version, keyed by name, or by name, masked ID and a keyed hash (HMAC-SHA256 with the secret beside the store) when the cell carries an ID number: no ID in clear; masked (张*) or empty names are not linked. Rewritten for every firm version a run writes, in the run's transaction; store_migrations records one-off rewrites of older stores.
create table if not exists person_links (
    person_key varchar not null,        -- name, or name|masked ID|HMAC-SHA256(secret, name|ID) (never an ID in clear)
    person_name varchar not null,       -- display name, any ID number masked (first 6 and last 4 kept)
    role varchar not null,              -- legal_rep | shareholder
    credit_code varchar not null,
    version integer not null,           -- the firm version the link comes from
    run_id bigint not null              -- the run that wrote that version
);

create table if not exists store_migrations (
    name varchar primary key,           -- what was rewritten in the store (e.g. person keys hashed, IDs masked)
    done_at timestamp not null
);
