"""The extended tier's (关注) part of a regulator's hand-off, shown apart from the watch list of record.

Rows come from the view ``v_attention_current`` (sql/views/11_v_attention_current.sql): firms raised
only by keywords/extended.toml, new or continuing, with the regulator of their first extended hit.
They go to their own sheet of the workbook and their own CSV files; they are never pushed (the
outbox carries the plans' watch list only). 理由 is each entry's written reason (extended.toml), in Chinese.
"""

from screening.store.database import fetch_dicts

ATTENTION_SHEET = "关注(扩展层,非方案名单)"
ATTENTION_COLUMNS = [("统一社会信用代码", "credit_code"), ("企业名称", "name"), ("关注状态", "attention_status"),
                     ("牵头部门", "regulator_name"), ("类别", "lead_category"), ("扩展层字样", "terms"),
                     ("理由", "reasons"), ("经营异常", "abnormal"), ("地区", "region"), ("地区名称", "place")]
ATTENTION_LABELS = {"new": "新关注", "continuing": "继续关注"}
SOURCE_PREFIX = "扩展层（非方案所列）: "  # every extended hit's source starts so; the sheet already says it
ATTENTION_SQL = """
select credit_code, name, status, lead_regulator, lead_category, terms, reasons, abnormal, region, screened_run
from v_attention_current
where status in ('new', 'continuing') and screened_run > ?
order by lead_category, credit_code"""


def read_attention_rows(con, since: int) -> list[dict]:
    """The firms of the extended tier screened after run ``since`` (every regulator's)."""
    rows = fetch_dicts(con, ATTENTION_SQL, [since])
    return [row | {"attention_status": ATTENTION_LABELS[row["status"]], "regulator_name": row["lead_regulator"],
                   "reasons": reasons_text(row["reasons"])} for row in rows]


def reasons_text(reasons: str | None) -> str:
    """The view's ``term: source | term: source`` as a clerk reads it: 字号含贷：理由。字号含金：理由。"""
    text = ""
    for part in (reasons or "").split(" | "):
        label, _, reason = part.partition(": ")
        sentence = f"{label}：{reason.removeprefix(SOURCE_PREFIX)}" if reason else label
        text += ("；" if text and not text.endswith(("。", "；", "！", "？")) else "") + sentence
    return text
