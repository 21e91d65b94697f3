-- title: No screening results
-- description: The result table of a run that screened nothing (every firm unchanged, or a repeat).
create temp table run_results (
    credit_code varchar, version integer, change varchar, name varchar, status varchar, content_hash varchar,
    abnormal_flag boolean, region varchar, region_source varchar, flagged boolean, attention boolean, use varchar,
    exempt_reason varchar, exempt_evidence varchar, counting_hits integer, lead_category varchar,
    category_rank integer, lead_regulator varchar, suspended_term boolean, hold boolean, obfuscated boolean
);
