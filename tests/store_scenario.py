"""The store tests' scenario: two extracts of a handful of Shanghai and Beijing firms (first load, then a
full extract with a scope change, a rename, a missing firm, a new firm and rejects), and a Store in tmp_path
that scans them. Shared by the store, outbox and push tests."""

from datetime import date
from pathlib import Path

import duckdb
from stdnum.cn import uscc

from conftest import write_csv
from screening.rules.screener import Screener
from screening.store.database import open_store
from screening.store.scan import scan


def code(base: str) -> str:
    """A credit code with a valid check character."""
    return base + uscc.calc_check_digit(base)


HEADER = ["企业名称", "统一社会信用代码", "经营范围", "住所", "登记状态", "经营异常"]
P2P = code("91310115MA0000001")      # abnormal P2P platform: priority 1
SCOPE = code("91310115MA0000002")    # removes 投资管理 from its scope in extract 2: cleared after change
RENAMED = code("91310115MA0000003")  # 金融 → 财富管理 in its name: changed, still flagged
STEADY = code("91310115MA0000004")   # flagged, unchanged: continuing
GONE = code("91310115MA0000005")     # absent from the full extract 2: missing
PLAIN = code("91310115MA0000006")    # never flagged
HOLD = code("91110108MA0000007")     # Beijing 控股 firm moving in (迁入): hold
NEWCO = code("91310115MA0000008")    # appears in extract 2, flagged
LATER = code("91310115MA0000009")    # not flagged by the shipped lists; 众投 flags it once a list adds it
BAD_CHECKSUM = PLAIN[:-1] + ("0" if PLAIN[-1] != "0" else "1")

ROW = {
    P2P: ["上海丁网络借贷信息中介有限公司", P2P, "网络借贷信息中介服务", "上海市浦东新区", "存续", "是"],
    SCOPE: ["上海甲企业管理有限公司", SCOPE, "投资管理；企业管理咨询", "上海市浦东新区", "存续", ""],
    RENAMED: ["上海乙金融信息服务有限公司", RENAMED, "技术开发", "上海市浦东新区", "存续", ""],
    STEADY: ["上海丙理财顾问有限公司", STEADY, "技术开发", "上海市浦东新区", "存续", ""],
    GONE: ["上海戊交易中心有限公司", GONE, "技术开发", "上海市浦东新区", "存续", ""],
    PLAIN: ["上海己科技有限公司", PLAIN, "技术开发；技术咨询", "上海市浦东新区", "存续", ""],
    HOLD: ["北京庚控股有限公司", HOLD, "技术开发", "北京市海淀区", "迁入", ""],
    LATER: ["上海壬众投科技有限公司", LATER, "技术开发", "上海市浦东新区", "存续", ""],
}
SCOPE_2 = ["上海甲企业管理有限公司", SCOPE, "企业管理咨询", "上海市浦东新区", "存续", ""]
RENAMED_2 = ["上海乙财富管理有限公司", RENAMED, "技术开发", "上海市浦东新区", "存续", ""]
NEWCO_ROW = ["上海辛基金管理有限公司", NEWCO, "基金管理", "上海市浦东新区", "存续", ""]
EMPTY_NAME = ["", code("91310115MA0000010"), "x", "上海市", "存续", ""]
BAD_ROW = ["上海坏码科技有限公司", BAD_CHECKSUM, "技术开发", "上海市", "存续", ""]

FIRST = [ROW[c] for c in (P2P, SCOPE, RENAMED, STEADY, GONE, PLAIN, HOLD, LATER)] + [EMPTY_NAME]
SECOND = [ROW[P2P], SCOPE_2, RENAMED_2, ROW[STEADY], ROW[PLAIN], ROW[HOLD], ROW[LATER], NEWCO_ROW, BAD_ROW]
TABLES = ("runs", "firms", "rejects", "screenings", "hits", "watchlist", "decisions", "audit")


def snapshot(db: Path) -> dict[str, list[str]] | None:
    """Every table's rows, sorted (None: no store file)."""
    if not db.exists():
        return None
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
        return {t: sorted(repr(row) for row in con.execute(f"select * from {t}").fetchall()) for t in tables}
    finally:
        con.close()


def watch(db: Path) -> dict[str, dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cursor = con.execute("select * from watchlist")
        columns = [c[0] for c in cursor.description]
        return {row[0]: dict(zip(columns, row)) for row in cursor.fetchall()}
    finally:
        con.close()


def run_row(db: Path, run_id: int) -> dict:
    """A run's row, complete or repeat (v_runs: the store's runs and the run log's repeats)."""
    con = open_store(db)
    try:
        cursor = con.execute("select * from v_runs where run_id = ?", [run_id])
        return dict(zip([c[0] for c in cursor.description], cursor.fetchone()))
    finally:
        con.close()


class Store:
    """A store in tmp_path and the extracts written for it."""

    def __init__(self, tmp_path: Path, screener: Screener):
        self.dir, self.db, self.screener, self.count = tmp_path, tmp_path / "store.duckdb", screener, 0

    def extract(self, rows: list[list[str]], name: str | None = None) -> Path:
        self.count += 1
        return write_csv(self.dir / (name or f"extract{self.count}.csv"), [HEADER, *rows])

    def scan(self, rows_or_path, day: int = 1, full: bool = False, screener: Screener | None = None):
        path = rows_or_path if isinstance(rows_or_path, Path) else self.extract(rows_or_path)
        return scan(path, self.db, screener or self.screener, as_of=date(2024, 3, day), full=full)


class Crash(RuntimeError):
    pass


def crash(*args, **kwargs):
    raise Crash("simulated crash")
