"""Persons of interest and the spot-check list (延伸监管：重点抽查, 沪府办〔2016〕46号 附件8 四(二)3 and 4).

- A **person of interest** is a shareholder of at least ``min_confirmed`` confirmed firms (四(二)4: "对在多个
  从事非法集资活动企业有投资的股东"), or the legal representative of a confirmed firm whose registration
  status became revoked (吊销) after the confirmation (四(二)3: 任职资格限制). Kept in ``persons_of_interest``
  with the firms and decisions that made them so (``person_interest_evidence``), keyed like the person
  links (:mod:`screening.store.persons`: a keyed hash when there is an ID, never an ID in clear).
- The **spot-check list** (``spot_checks``, view ``v_spot_checks``): every firm version a later run writes
  that links to a person of interest, other than the person's own confirmed firms, with the chain in
  Chinese. A firm raised gets an outbox entry of its own kind (``spot_check``); when its last person
  stops being of interest (a decision reversed) its checks are withdrawn (``spot_check_withdrawn``).

Two hooks, each inside the caller's transaction: :func:`after_run` (the run's commit) and
:func:`after_decision` (a decision's). Names masked at the source are never linked, so they make no one
of interest and raise nothing.
"""

from datetime import datetime

import orjson
import polars as pl

from screening.store.database import SQL_DIR, fetch_dicts, read_sql_file
from screening.store.outbox import INSERT_MISSING, idempotency_key
from screening.store.writes import insert_frame

EVIDENCE_SQL = read_sql_file(SQL_DIR / "interest" / "interest_evidence.sql").sql
CANDIDATES_SQL = read_sql_file(SQL_DIR / "interest" / "spot_candidates.sql").sql
SOURCES = {"shareholder": "沪府办〔2016〕46号 附件8 四(二)4", "revoked_legal_rep": "沪府办〔2016〕46号 附件8 四(二)3"}
ROLES = {"legal_rep": "法定代表人", "shareholder": "股东"}
MASKED_NOTE = "源数据中已脱敏的姓名（如 王*）无法区分同姓者，不作关联，也不据以列入重点抽查"
SPOT_CATEGORY = "重点抽查"
RAISED, WITHDRAWN = "spot_check", "spot_check_withdrawn"  # outbox statuses (push kind spot_check)
EVIDENCE_COLUMNS = ("person_key", "basis", "credit_code", "firm_name", "role", "decision_id", "decided_at", "revoked_run")
WITHDRAWN_WHY = "关注人员不再成立（认定已撤销或变更），撤销重点抽查"


def basis_text(person: str, basis: str, firms: list[dict]) -> str:
    """Why a person is of interest, in Chinese, naming the confirmed firms."""
    named = "、".join(f"{f['firm_name'] or ''}（{f['credit_code']}）" for f in firms)
    if basis == "shareholder":
        return (f"「{person}」是 {len(firms)} 家经认定未经许可从事金融活动企业的股东：{named}，"
                f"其此后投资、任职的企业列为重点抽查对象（{SOURCES[basis]}）")
    return (f"「{person}」是经认定后被吊销营业执照企业的法定代表人：{named}，"
            f"依法予以任职资格限制（{SOURCES[basis]}）")


def refresh_persons(con, min_confirmed: int, now: datetime) -> dict[str, list[dict]]:
    """Recompute persons of interest and their evidence (inside the caller's transaction); the evidence
    rows by person key."""
    evidence = fetch_dicts(con, EVIDENCE_SQL, {"min_confirmed": min_confirmed})
    marked = {(k, b): at for k, b, at in con.execute("select person_key, basis, marked_at from persons_of_interest").fetchall()}
    con.execute("delete from person_interest_evidence")
    con.execute("delete from persons_of_interest")
    if not evidence:
        return {}
    frame = pl.DataFrame(evidence, infer_schema_length=None)
    insert_frame(con, "insert into person_interest_evidence by name select * from staged", frame.select(EVIDENCE_COLUMNS))
    persons = frame.group_by("person_key", "basis", maintain_order=True).agg(
        pl.col("person_name").last(), pl.col("credit_code").n_unique().alias("confirmed_firms"))
    persons = persons.with_columns(
        pl.when(pl.col("basis") == "shareholder").then(pl.lit(min_confirmed)).otherwise(None).alias("min_confirmed"),
        pl.Series("marked_at", [marked.get((k, b), now) for k, b in persons.select("person_key", "basis").iter_rows()],
                  dtype=pl.Datetime("us")))
    insert_frame(con, "insert into persons_of_interest by name select * from staged", persons)
    by_person: dict[str, list[dict]] = {}
    for row in evidence:
        by_person.setdefault(row["person_key"], []).append(row)
    return by_person


def chain(person_name: str, evidence: list[dict], leads: dict[str, str]) -> dict:
    """The chain of one person of interest: bases, confirmed firms (JSON), the regulator, the reason."""
    bases = list(dict.fromkeys(row["basis"] for row in evidence))
    reason = "；".join(basis_text(person_name, b, [r for r in evidence if r["basis"] == b]) for b in bases)
    through = [{"credit_code": r["credit_code"], "name": r["firm_name"], "basis": r["basis"]} for r in evidence]
    lead = next((leads[r["credit_code"]] for r in evidence if leads.get(r["credit_code"])), None)
    return {"bases": ",".join(bases), "through_firms": orjson.dumps(through).decode(), "lead_regulator": lead,
            "reason": reason}


def spot_reason(roles: str, chained: dict) -> str:
    """A spot check's reason: the person's role in the firm, then why the person is of interest."""
    role = "、".join(ROLES[r] for r in roles.split(","))
    return f"重点抽查：本企业的{role}{chained['reason']}"


def leads_of(con) -> dict[str, str]:
    """The lead regulator of every firm on the watch list (the confirmed firms route their spot checks)."""
    return dict(con.execute("select credit_code, lead_regulator from watchlist where lead_regulator is not null").fetchall())


def update_active(con, evidence: dict[str, list[dict]], run_id: int, now: datetime) -> list[str]:
    """Withdraw the active checks whose person is no longer of interest, and rewrite the chains of the
    others; the firms left with no active check (their withdrawal is pushed)."""
    active = fetch_dicts(con, "select rowid as row_key, credit_code, person_key, person_name, roles from spot_checks "
                              "where status = 'active'")
    leads, emptied = leads_of(con), set()
    for row in active:
        if row["person_key"] in evidence:
            chained = chain(row["person_name"], evidence[row["person_key"]], leads)
            con.execute("update spot_checks set bases = $bases, through_firms = $through_firms, lead_regulator = "
                        "coalesce($lead_regulator, lead_regulator), reason = $reason where rowid = $row_key",
                        chained | {"reason": spot_reason(row["roles"], chained), "row_key": row["row_key"]})
        else:
            con.execute("update spot_checks set status = 'withdrawn', withdrawn_run = ?, withdrawn_at = ?, "
                        "withdrawn_why = ? where rowid = ?", [run_id, now, WITHDRAWN_WHY, row["row_key"]])
            emptied.add(row["credit_code"])
    still = {r[0] for r in con.execute("select distinct credit_code from spot_checks where status = 'active'").fetchall()}
    return sorted(emptied - still)


def raise_checks(con, evidence: dict[str, list[dict]], run_id: int, now: datetime) -> list[str]:
    """Raise the firm versions written by ``run_id`` that link to a person of interest; the firms with a
    check first raised by this run."""
    leads, raised = leads_of(con), []
    for row in fetch_dicts(con, CANDIDATES_SQL, {"run_id": run_id}):
        chained = chain(row["person_name"], evidence[row["person_key"]], leads)
        values = row | chained | {"reason": spot_reason(row["roles"], chained), "run_id": run_id, "now": now}
        updated = con.execute(
            "update spot_checks set version = $version, content_hash = $content_hash, roles = $roles, updated_run = $run_id "
            "where status = 'active' and credit_code = $credit_code and person_key = $person_key returning 1",
            {k: values[k] for k in ("version", "content_hash", "roles", "run_id", "credit_code", "person_key")}).fetchall()
        if not updated:
            con.execute("insert into spot_checks values ($credit_code, $person_key, $person_name, $roles, $version, "
                        "$content_hash, $bases, $through_firms, $lead_regulator, $reason, 'active', $run_id, $now, "
                        "$run_id, null, null, null)", {k: v for k, v in values.items() if k != "firm_name"})
            raised.append(row["credit_code"])
    return sorted(set(raised))


OUTBOX_ROWS = """
select s.credit_code, arg_max(f.name, f.version) as name, arg_max(s.lead_regulator, s.updated_run) as lead_regulator,
       arg_max(s.content_hash, s.updated_run) as content_hash
from spot_checks s left join firms f on f.credit_code = s.credit_code and f.version = s.version
where list_contains($codes, s.credit_code) and ($status = 'spot_check') = (s.status = 'active')
group by s.credit_code order by s.credit_code"""


def queue_entries(con, codes: list[str], status: str, run_id: int, now: datetime) -> None:
    """Outbox entries of the spot-check kind for these firms (raised or withdrawn), pushed like the others."""
    if not codes:
        return
    rows = [r | {"idempotency_key": idempotency_key(r["credit_code"], run_id, status, r["content_hash"]),
                 "run_id": run_id, "old_status": None, "status": status, "lead_category": SPOT_CATEGORY,
                 "priority": None, "counting_hits": None, "hold": False, "created_at": now}
            for r in fetch_dicts(con, OUTBOX_ROWS, {"codes": codes, "status": status})]
    insert_frame(con, INSERT_MISSING, pl.DataFrame(rows, infer_schema_length=None))


def after_run(con, run_id: int, min_confirmed: int) -> None:
    """The run's part (inside its transaction, after its links and watch list): persons of interest again
    (a revocation, a confirmed firm's changed shareholders), withdrawals, then the spot checks it raises."""
    now = datetime.now()
    evidence = refresh_persons(con, min_confirmed, now)
    queue_entries(con, update_active(con, evidence, run_id, now), WITHDRAWN, run_id, now)
    queue_entries(con, raise_checks(con, evidence, run_id, now), RAISED, run_id, now)


def evidence_changed(con, min_confirmed: int) -> bool:
    """Whether the persons of interest's evidence, computed now, differs from what the store holds (a
    decision that changes nothing for them leaves the store unwritten)."""
    has_table = con.execute("select count(*) from duckdb_tables() where table_name = 'person_interest_evidence'"
                            " and database_name = current_database()").fetchall()[0][0]
    if not has_table:
        return True
    fields = ("person_key", "basis", "credit_code", "decision_id")
    now = {tuple(row[f] for f in fields) for row in fetch_dicts(con, EVIDENCE_SQL, {"min_confirmed": min_confirmed})}
    held = set(con.execute("select person_key, basis, credit_code, decision_id from person_interest_evidence").fetchall())
    return now != held


def after_decision(con, min_confirmed: int) -> None:
    """A decision's part (inside its transaction): persons of interest again; a reversed confirmation
    withdraws the spot checks of those who are no longer of interest. Spot checks are raised by runs only
    (the firms a person of interest sets up or joins afterwards). Withdrawals are numbered with the next run."""
    # A withdrawal between runs belongs to the next run: the hand-off since a regulator's last file (which
    # covered the latest run) then carries it.
    next_run = con.execute("select coalesce(max(run_id), 0) + 1 from runs").fetchall()[0][0]
    now = datetime.now()
    evidence = refresh_persons(con, min_confirmed, now)
    queue_entries(con, update_active(con, evidence, next_run, now), WITHDRAWN, next_run, now)
