-- title: Person–firm links (延伸监管)
-- description: Legal representatives and shareholders of each firm's latest registration version, keyed by name plus any ID number given in the cell; masked (张*) or empty names are not linked. Rewritten for every firm version a run writes, in the run's transaction.
create table if not exists person_links (
    person_key varchar not null,        -- name, or name|ID when the cell carries an ID number (never shown)
    person_name varchar not null,       -- display name, any ID number masked (first 6 and last 4 kept)
    role varchar not null,              -- legal_rep | shareholder
    credit_code varchar not null,
    version integer not null,           -- the firm version the link comes from
    run_id bigint not null              -- the run that wrote that version
);
