-- title: Decisions ledger
-- description: Analysts' decisions on watch-list firms (confirm, dismiss, refer), who took them, when, why and on which registration (content hash). Kept in its own file beside the store (registry.decisions.duckdb), written only by decide(), published on its own; the store reads it through the view decisions.
create table if not exists decisions (
    decision_id bigint primary key,
    credit_code varchar not null,
    decision varchar not null,          -- confirm | dismiss | refer | reopen (a supervisor withdrew the last one)
    reason varchar not null,
    decided_by varchar not null,        -- cli:<--by>, or the web app's user name
    decided_at timestamp not null,
    content_hash varchar not null,      -- the firm version the decision is about
    watch_status varchar                -- the firm's watch-list status when decided
);
