"""The extended tier's (关注) part of a regulator's hand-off, shown apart from the watch list of record.

Rows come from the view ``v_attention_current`` (sql/views/11_v_attention_current.sql): firms raised
only by keywords/extended.toml, new or continuing, whose first extended hit leads to the regulator.
They go to their own sheet of the workbook and their own CSV files; they are never pushed (the
outbox carries the plans' watch list only).
"""

from screening.store.database import fetch_dicts

ATTENTION_SHEET = "关注(扩展层,非方案名单)"
ATTENTION_COLUMNS = [("统一社会信用代码", "credit_code"), ("企业名称", "name"), ("关注状态", "attention_status"),
                     ("牵头部门", "lead_regulator"), ("类别", "lead_category"), ("扩展层字样", "terms"),
                     ("理由", "reasons"), ("经营异常", "abnormal"), ("地区", "region")]
ATTENTION_LABELS = {"new": "新关注", "continuing": "继续关注"}
ATTENTION_SQL = """
select credit_code, name, status, lead_regulator, lead_category, terms, reasons, abnormal, region
from v_attention_current
where status in ('new', 'continuing') and lead_regulator = ? and screened_run > ?
order by lead_category, credit_code"""


def read_attention_rows(con, regulator: str, since: int) -> list[dict]:
    """The regulator's firms of the extended tier screened after run ``since``."""
    rows = fetch_dicts(con, ATTENTION_SQL, [regulator, since])
    return [row | {"attention_status": ATTENTION_LABELS[row["status"]]} for row in rows]
