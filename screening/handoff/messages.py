"""What an export says, in Chinese (a clerk reads it): one line per hand-off, or why nothing was written.
Counts read 1 家, 2 家 (no plural to get wrong); parts without rows are left out, the watch list never.
"""

from pathlib import Path

PART_LABELS = (("rows", "观察名单"), ("mention_rows", "仅提及"), ("exempt_rows", "豁免(持牌)"),
               ("removed_rows", "移出"), ("attention_rows", "扩展层(关注)"),
               ("spot_check_rows", "重点抽查"))


def handoff_line(record: dict) -> str:
    """金融办：观察名单 10 家，豁免(持牌) 2 家，扩展层(关注) 1 家（第 2–3 次运行的变动）→ out/jrb_run3_….xlsx"""
    counts = "，".join(f"{label} {record.get(key, 0)} 家" for key, label in PART_LABELS
                      if key == "rows" or record.get(key))
    first, last = record["since_run"] + 1, record["run_id"]
    runs = f"（截至第 {last} 次运行的全部）" if record["mode"] == "all" else (
        f"（第 {first} 次运行的变动）" if first == last else f"（第 {first}–{last} 次运行的变动）")
    return f"{record['regulator']}：{counts}{runs} → {Path(record['out_dir']) / record['files'][0]['name']}"


def nothing_line(since_last: bool, regulators: list[str] | None = None) -> str:
    """Why no file was written: nothing new since the last hand-off, or nothing on the list at all."""
    who = f"（{'、'.join(regulators)}）" if regulators else ""
    if since_last:
        return f"自上次移交以来没有新的变动{who}，未写文件；要重新导出全部，加 --all"
    return f"观察名单上没有可移交的企业{who}，未写文件"
