"""待审队列: the review queue by priority, its filters, search and paging (``GET /``).

The query is one named SQL file (``sql/web/review_queue.sql``) with every filter a parameter, null
meaning any: nothing a user types becomes SQL. Filters come from the query string and are checked
here; a value that cannot be a filter's is a 400 naming the parameter.
"""

from dataclasses import asdict, dataclass
from math import ceil
from pathlib import Path
import re
import threading
import time
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from screening.errors import UsageError
from screening.rules.regions import place_name, province_name
from screening.store.database import SQL_DIR, fetch_dicts, read_sql_file, reading
from screening.web.auth import config_of, current_session
from screening.web.sessions import Session
from screening.web.templating import TEMPLATES

QUEUE_SQL = read_sql_file(SQL_DIR / "web" / "review_queue.sql").sql
FACETS_SQL = read_sql_file(SQL_DIR / "web" / "queue_facets.sql").sql
USE_SQL = read_sql_file(SQL_DIR / "web" / "queue_use.sql").sql
REGULATORS = ("银监局", "证监局", "保监局", "人民银行", "金融办")
CHOICES = {"use": ("claim", "mention"), "status": ("new", "continuing", "changed"),
           "decided": ("0", "1", "all"), "abnormal": ("", "1", "0"), "hold": ("", "1", "0")}
PATTERNS = {"province": re.compile(r"\d{2}"), "region": re.compile(r"\d{6}")}
MAX_TEXT = 100
RUN_KEY = "select max(run_id), count(*) from runs"  # the watch list changes only in runs (a decision reorders it)

router = APIRouter()


@dataclass(frozen=True, slots=True)
class Filters:
    """The queue's filters as the query string gives them ('' = any); ``decided`` 0 = 待审 (default)."""

    regulator: str = ""
    province: str = ""
    region: str = ""
    category: str = ""
    use: str = ""
    status: str = ""
    abnormal: str = ""
    hold: str = ""
    decided: str = "0"
    q: str = ""
    page: int = 1

    def parameters(self, page_size: int, uses: dict[str, str]) -> dict:
        """The SQL file's parameters; ``uses`` is the use of every active firm (the use filter becomes its firms)."""
        flag = {"1": True, "0": False, "": None}
        use_codes = [code for code, use in uses.items() if use == self.use] if self.use else None
        return {"regulator": self.regulator or None, "province": self.province or None, "region": self.region or None,
                "category": self.category or None, "use_codes": use_codes, "status": self.status or None,
                "abnormal": flag[self.abnormal], "hold": flag[self.hold],
                "decided": None if self.decided == "all" else self.decided == "1", "search": self.q or None,
                "limit": page_size, "offset": (self.page - 1) * page_size}

    def link(self, **changes) -> str:
        """The query string of these filters with ``changes`` (page back to 1 unless given)."""
        values = asdict(self) | {"page": 1} | changes
        return "?" + urlencode({k: v for k, v in values.items() if v not in ("", None) and (k, v) != ("page", 1)})


def filters_of(query: dict[str, str]) -> Filters:
    """The filters of a query string; UsageError (400) naming a parameter whose value cannot be one."""
    values: dict = {}
    for name in Filters.__dataclass_fields__:
        raw = query.get(name, "").strip()
        if name == "page":
            if raw and not (raw.isdigit() and 0 < int(raw) <= 1_000_000):
                raise UsageError(f"参数 page 应为正整数，而不是 {raw[:20]!r}")
            values[name] = int(raw) if raw else 1
        elif raw and name in CHOICES and raw not in CHOICES[name]:
            raise UsageError(f"参数 {name} 只能取 {' / '.join(c or '(空)' for c in CHOICES[name])}")
        elif raw and name in PATTERNS and not PATTERNS[name].fullmatch(raw):
            raise UsageError(f"参数 {name} 应为地区代码（{'2' if name == 'province' else '6'} 位数字）")
        elif raw and name == "regulator" and raw not in REGULATORS:
            raise UsageError(f"参数 regulator 只能取 {' / '.join(REGULATORS)}")
        elif len(raw) > MAX_TEXT:
            raise UsageError(f"参数 {name} 过长（最多 {MAX_TEXT} 个字符）")
        else:
            values[name] = raw if raw or name != "decided" else "0"
    return Filters(**values)


class PerSnapshot:
    """What every queue page needs and only a run changes — the filters' options and each active firm's
    use — read once per run instead of once per page. Keyed by the latest run as the connection itself
    sees it, so a reader still on an older snapshot never stores its values under a newer key."""

    def __init__(self):
        self.lock = threading.Lock()
        self.found: dict[Path, tuple[tuple, dict]] = {}

    def get(self, con, db: Path) -> dict:
        key = con.execute(RUN_KEY).fetchall()[0]
        with self.lock:
            kept = self.found.get(db)
            if kept and kept[0] == key:
                return kept[1]
        value = {"facets": fetch_dicts(con, FACETS_SQL), "uses": dict(con.execute(USE_SQL).fetchall())}
        with self.lock:
            self.found[db] = (key, value)
        return value


PER_SNAPSHOT = PerSnapshot()


def facets(rows: list[dict], chosen_province: str) -> dict:
    """The filters' options with their counts: regulators, categories, provinces, regions of the chosen province."""
    by_kind: dict[str, list[tuple[str, int]]] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], []).append((row["value"], row["firms"]))
    provinces: dict[str, int] = {}
    for code, firms in by_kind.get("region", []):
        provinces[code[:2]] = provinces.get(code[:2], 0) + firms
    return {
        "regulator": by_kind.get("regulator", []), "category": by_kind.get("category", []),
        "status": by_kind.get("status", []),
        "province": sorted(((code, province_name(code) or code, n) for code, n in provinces.items()), key=lambda p: p[0]),
        "region": sorted((code, place_name(code) or code, n) for code, n in by_kind.get("region", [])
                         if chosen_province and code.startswith(chosen_province)),
    }


def queue_page(db: Path, chosen: Filters, page_size: int) -> dict:
    """One page of the queue with its total and the filters' options, from the published snapshot."""
    with reading(db) as con:
        kept = PER_SNAPSHOT.get(con, db)
        rows = fetch_dicts(con, QUEUE_SQL, chosen.parameters(page_size, kept["uses"]))
    for row in rows:
        row["use"] = kept["uses"].get(row["credit_code"])
    total = rows[0]["total"] if rows else 0
    return {"rows": rows, "total": total, "pages": max(1, ceil(total / page_size)),
            "options": facets(kept["facets"], chosen.province)}


@router.get("/")
def review_queue(request: Request, session: Session = Depends(current_session)) -> Response:
    started = time.perf_counter()
    config = config_of(request)
    chosen = filters_of(dict(request.query_params))
    found = queue_page(config.db, chosen, config.page_size)
    return TEMPLATES.TemplateResponse(request, "queue.html", found | {
        "session": session, "filters": chosen, "page_size": config.page_size,
        "elapsed_ms": round((time.perf_counter() - started) * 1000)})
