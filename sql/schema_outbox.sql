-- title: Outbox of the push to the regulators
-- description: Watch-list status changes to deliver (filled in the scan's transaction) and every push attempt.

create table if not exists outbox (
    idempotency_key varchar primary key, -- sha256 of credit code, run, new status and content hash
    run_id bigint not null,
    credit_code varchar not null,
    old_status varchar,
    status varchar not null,            -- new | changed | cleared | exempt | missing
    name varchar, lead_regulator varchar, lead_category varchar,
    priority integer, counting_hits integer, hold boolean,
    content_hash varchar,
    created_at timestamp not null,      -- when the scan wrote it
    attempts integer not null default 0,
    last_error varchar,
    next_attempt_at timestamp,          -- null: due now; otherwise not sent before then
    delivered_at timestamp              -- set on a 2xx answer; a delivered entry is never sent again
);

create table if not exists push_attempts (
    attempted_at timestamp not null,
    endpoint varchar not null,
    batch_key varchar not null,         -- the batch's Idempotency-Key header
    entries integer not null,
    status_code integer,                -- null: no answer (timeout, connection dropped)
    delivered boolean not null,
    error varchar
);
