"""What each pushed entry carries, so a receiver can act on it alone.

The outbox row (its key, run, status change, watch-list fields) plus the evidence read from the store
with the named query ``sql/handoff/push_entries.sql``: the firm version the entry reports, its scope,
region code and place name, its use, its counting terms (field, span, use, list and version), the lead
regulator (by its entry in ``keywords/regulators.toml``, with its slug) and the regulators copied, the
versions of the lists it was screened with, and, for a licensed firm, the exemption's reason and
evidence. ``kind`` tells the receiver what the entry is: ``watchlist`` (a flagged firm's claim, or a
held firm), ``mention`` (mention-only), ``exempt`` (a licensed firm: never a watch-list entry),
``removed`` (cleared or missing) or ``spot_check`` (重点抽查, not the watch list: its ``spot_check`` field
says raised or withdrawn, and gives each person's chain, :mod:`screening.handoff.spot_checks`). Personal ID
numbers are masked in every text value.
"""

import orjson

from screening.extract.personal_ids import mask_ids
from screening.handoff import evidence
from screening.handoff.rows import unrouted_error
from screening.handoff.spot_checks import push_chains
from screening.rules.regions import place_name
from screening.rules.regulators import Regulators
from screening.store import outbox
from screening.store.database import SQL_DIR, apply_schema, fetch_dicts, read_sql_file

ENTRIES_SQL = read_sql_file(SQL_DIR / "handoff" / "push_entries.sql").sql
UNMASKED = {"idempotency_key", "content_hash"}


def kind_of(status: str, use: str | None) -> str:
    """watchlist, mention, exempt, removed or spot_check."""
    if status.startswith("spot_check"):
        return "spot_check"
    if status == "exempt":
        return "exempt"
    if status in ("cleared", "missing"):
        return "removed"
    return "mention" if use == "mention" else "watchlist"


def masked(value, key: str | None = None):
    """``value`` with personal ID numbers masked in every string inside it (keys and hashes as they are)."""
    if isinstance(value, str):
        return value if key in UNMASKED else mask_ids(value)
    if isinstance(value, dict):
        return {k: masked(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


def with_evidence(entry: dict, found: dict, regulators: Regulators) -> dict:
    """An outbox entry and its evidence, as sent."""
    hits, regulator = found["hits"], regulators.find(found["route"])
    exemption = ({"reason": found["exempt_reason"], "evidence": found["exempt_evidence"]}
                 if found["exempt_reason"] else None)
    return masked(entry | {
        "kind": kind_of(entry["status"], found["use"]), "lead_regulator": regulator.name,
        "lead_regulator_slug": regulator.slug, "regulators_copied": evidence.regulators_copied(hits, regulator.name, regulators),
        "version": found["version"], "scope": found["scope"], "region": found["region"],
        "region_name": place_name(found["region"]), "abnormal": found["abnormal"],
        "registration_status": found["registration_status"], "use": found["use"], "exemption": exemption,
        "terms": evidence.term_entries(hits), "screened_run": found["screened_run"],
        "list_versions": orjson.loads(found["list_versions"] or "{}"),
    })


def payload(db, entries: list[dict], regulators: Regulators) -> list[dict]:
    """The entries as sent, each with its evidence; a ConfigError naming the firms when any would go to
    no regulator (nothing is sent then, and the entries stay pending)."""
    with outbox.transaction(db) as con:
        apply_schema(con)  # a store written before the evidence view existed
        found = {row["idempotency_key"]: row for row in
                 fetch_dicts(con, ENTRIES_SQL, {"keys": [e["idempotency_key"] for e in entries]})}
        chains = push_chains(con, entries)  # spot-check entries: who, through which confirmed firms
    lost = [entry | {"route": found[entry["idempotency_key"]]["route"]} for entry in entries
            if regulators.find(found[entry["idempotency_key"]]["route"]) is None]
    if lost:
        raise unrouted_error(lost)
    return [with_evidence(entry, found[entry["idempotency_key"]], regulators)
            | ({"spot_check": masked(chains[entry["idempotency_key"]])} if entry["idempotency_key"] in chains else {})
            for entry in entries]
