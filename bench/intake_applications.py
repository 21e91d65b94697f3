"""Applications for the counter's benchmarks: real names and scopes, as a Beijing counter would see them.

Drawn (fixed seed) from the real development sample ../shared/data/registry/erd_1978_2003_sample20k.csv
(names and scopes of real firms), every one asked in a Beijing region so that all four lists apply.
Half are as registered; the other half add what the plan suspends (a name word or a scope item), so
that the evidence around hits (clauses, jieba) is paid as often as at a real counter in 2016. Kinds:
60% new, 25% changes (the firm's registration as previous, a scope item or a name word added or
the scope reordered), 15% moves in (a third of them approved). Without the shared data the names
and scopes are generated.
"""

import csv
import random
from pathlib import Path

from screening.settings import get_settings

SAMPLE = get_settings().registry_dir / "erd_1978_2003_sample20k.csv"
REGIONS = ["110101", "110102", "110105", "110106", "110108", "110112", "110114", "110115"]
NAME_WORDS = ["投资", "资产", "资本", "控股", "基金", "财富管理", "融资租赁", "非融资性担保"]
SCOPE_ITEMS = ["项目投资", "股权投资", "投资管理", "投资咨询", "投资顾问", "资本管理", "资产管理", "融资租赁",
               "投资咨询（不含金融业务）", "经济信息咨询", "技术开发", "会议服务"]
FIELDS = ["kind", "region", "name", "scope", "previous_name", "previous_scope", "approved"]


def real_firms(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(name, scope) of real firms, or generated ones when the shared data is absent."""
    if SAMPLE.exists():
        with open(SAMPLE, encoding="utf-8-sig", newline="") as handle:
            firms = [(row["企业名称"], row["经营范围"] if row["经营范围"] != "N/A" else "")
                     for row in csv.DictReader(handle) if row["企业名称"]]
        return [rng.choice(firms) for _ in range(count)]
    return [(f"北京某{i}科技有限公司", "技术开发；技术咨询；计算机系统服务") for i in range(count)]


def with_word(name: str, rng: random.Random) -> str:
    """The name with a suspended word before its form (…有限公司)."""
    cut = name.find("有限") if "有限" in name else len(name)
    return name[:cut] + rng.choice(NAME_WORDS) + name[cut:]


def applications(count: int, seed: int = 20161122) -> list[dict]:
    """``count`` applications as dicts of the batch CSV's columns."""
    rng = random.Random(seed)
    found = []
    for name, scope in real_firms(count, rng):
        region = rng.choice(REGIONS)
        added_name = with_word(name, rng) if rng.random() < 0.5 else name
        added_scope = scope + "；" + rng.choice(SCOPE_ITEMS) if rng.random() < 0.5 else scope
        roll = rng.random()
        if roll < 0.60:
            row = {"kind": "new", "name": added_name, "scope": added_scope}
        elif roll < 0.85:
            items = scope.split(";") if ";" in scope else scope.split("；")
            rng.shuffle(items)
            new_scope = rng.choice([added_scope, "；".join(items)])
            row = {"kind": "change", "name": rng.choice([added_name, name]), "scope": new_scope,
                   "previous_name": name, "previous_scope": scope}
        else:
            row = {"kind": "move_in", "name": added_name, "scope": added_scope,
                   "approved": "true" if rng.random() < 1 / 3 else "false"}
        found.append({field: row.get(field, "") for field in FIELDS} | {"region": region})
    return found


def api_body(row: dict) -> dict:
    """The HTTP API's body for one application row."""
    body = {"kind": row["kind"], "region": row["region"], "name": row["name"] or None, "scope": row["scope"] or None}
    if row["kind"] == "change":
        body["previous"] = {"name": row["previous_name"] or None, "scope": row["previous_scope"] or None}
    if row["kind"] == "move_in":
        body["approved"] = row["approved"] == "true"
    return body


def write_batch(path: Path, rows: list[dict]) -> Path:
    """The rows as a batch CSV (UTF-8)."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return path
