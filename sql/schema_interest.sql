-- title: Persons of interest and the spot-check list (延伸监管：重点抽查)
-- description: 沪府办〔2016〕46号 附件8 四(二)3 and 4. persons_of_interest: a shareholder of at least REGSCREEN_INTEREST_MIN_CONFIRMED firms whose latest decision is confirm, or the legal representative of a confirmed firm whose registration status became revoked (吊销) after the confirmation; person_interest_evidence: the confirmed firms and decisions that made each one so. Both are recomputed whenever a decision or a run changes them (a reversed decision removes them). spot_checks: firms that a later run wrote (new, changed or updated) linking to a person of interest, with the chain in Chinese; withdrawn, never deleted, when the person is no longer of interest. Keys are person_links.person_key: a keyed hash (HMAC-SHA256, the store's secret) when the person has an ID number, never an ID in clear; names masked at the source (王*) are never linked.
create table if not exists persons_of_interest (
    person_key varchar not null,        -- person_links.person_key: name, or name|masked ID|HMAC (no ID in clear)
    person_name varchar not null,       -- display name, ID masked
    basis varchar not null,             -- shareholder (四(二)4) | revoked_legal_rep (四(二)3, 任职资格限制)
    confirmed_firms integer not null,   -- confirmed firms behind this basis
    min_confirmed integer,              -- the threshold in force (shareholder basis)
    marked_at timestamp not null,       -- when the person first became of interest on this basis (kept while it holds)
    primary key (person_key, basis)
);

create table if not exists person_interest_evidence (
    person_key varchar not null,
    basis varchar not null,
    credit_code varchar not null,       -- a confirmed firm of the person
    firm_name varchar,
    role varchar not null,              -- the person's role there: shareholder | legal_rep
    decision_id integer not null,       -- the confirm decision
    decided_at timestamp not null,
    revoked_run bigint                  -- revoked_legal_rep: the run that first saw the firm revoked (吊销)
);

create table if not exists spot_checks (
    credit_code varchar not null,       -- the firm to spot-check
    person_key varchar not null,
    person_name varchar not null,       -- display name, ID masked
    roles varchar not null,             -- the person's roles in this firm (legal_rep, shareholder)
    version integer not null,           -- the firm version that raised it (latest)
    content_hash varchar,
    bases varchar not null,             -- why the person is of interest: shareholder, revoked_legal_rep
    through_firms varchar not null,     -- JSON: the confirmed firms [{credit_code, name, basis}]
    lead_regulator varchar,             -- the regulator of those confirmed firms (routes the hand-off and push)
    reason varchar not null,            -- the chain, in Chinese
    status varchar not null,            -- active | withdrawn
    raised_run bigint not null,
    raised_at timestamp not null,
    updated_run bigint not null,
    withdrawn_run bigint,
    withdrawn_at timestamp,
    withdrawn_why varchar
);
