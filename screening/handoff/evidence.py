"""The evidence each hand-off row and each pushed entry carries, so a receiver can act on it alone.

From a firm's evidence hits (the plans' counting hits of its latest screening, and the suspension
hits of a held firm): the terms with field, span, use and list; the regulators copied (every other
regulator of the counting hits' categories); and the versions of the lists they came from.
As JSON for the push, as Chinese text for the files.
"""

from screening.handoff.labels import FIELD_LABELS, OBFUSCATED_LABEL, SUSPENSION_LABEL, USE_LABELS
from screening.rules.regulators import Regulators

TERM_KEYS = ("term", "field", "start", "end", "counts", "use", "use_reason", "list", "list_version", "source",
             "category", "obfuscated")


def counting(hits: list[dict]) -> list[dict]:
    """The hits that count (the plans' watch-list hits: not a held firm's suspension terms)."""
    return [hit for hit in hits if hit["counts"]]


def use_of(hit: dict) -> str | None:
    """A hit's use; a counting hit whose use was not judged is a claim (never ranked below the claims)."""
    return hit["use"] or ("claim" if hit["counts"] else None)


def term_entries(hits: list[dict]) -> list[dict]:
    """The hits as JSON objects: term, field, span [start, end) in the original text, use, list, version."""
    return [{key: hit.get(key) for key in TERM_KEYS} | {"use": use_of(hit)} for hit in hits]


def regulators_copied(hits: list[dict], lead: str, regulators: Regulators) -> list[str]:
    """The other regulators of the counting hits' categories (by their entries' names), lead excluded."""
    copied: list[str] = []
    for hit in counting(hits):
        for name in hit["regulators"] or []:
            found = regulators.find(name)
            name = found.name if found else name
            copied += [name] if name != lead and name not in copied else []
    return copied


def list_versions(hits: list[dict]) -> dict[str, str]:
    """The version of every list the hits came from, by list id."""
    return {hit["list"]: hit["list_version"] for hit in hits if hit["list"]}


def counting_terms(hits: list[dict]) -> str:
    """The counting terms, each once, in reading order: 投资管理、资产管理."""
    return "、".join(dict.fromkeys(hit["term"] for hit in counting(hits)))


def spans(hits: list[dict]) -> dict[str, list[tuple[int, int]]]:
    """The counting hits' spans by field, to highlight in the workbook."""
    found: dict[str, list[tuple[int, int]]] = {"name": [], "scope": []}
    for hit in counting(hits):
        if hit["field"] in found and hit["start"] is not None and hit["end"] is not None:
            found[hit["field"]].append((hit["start"], hit["end"]))
    return found


def hit_text(hit: dict, lists: list[str], with_use: bool = True) -> str:
    """One occurrence for a clerk: 投资管理（经营范围第1–4字，主张：理由；national、jiangsu）; without its
    use for a licensed firm (投资管理（经营范围第1–4字；national））."""
    where = FIELD_LABELS.get(hit["field"], hit["field"] or "")
    span = f"第{hit['start'] + 1}–{hit['end']}字" if hit["start"] is not None and hit["end"] is not None else ""
    kind = (USE_LABELS.get(use_of(hit), use_of(hit)) if with_use else "") if hit["counts"] else SUSPENSION_LABEL
    reason = f"：{hit['use_reason']}" if hit["use_reason"] and hit["counts"] and with_use else ""
    hidden = f"，{OBFUSCATED_LABEL}：{hit['obfuscated']}" if hit["obfuscated"] else ""
    said = "，".join(filter(None, (f"{where}{span}", f"{kind}{reason}", hidden.removeprefix("，"))))
    return f"{hit['term']}（{said}；{'、'.join(lists)}）"


def hits_text(hits: list[dict], with_use: bool = True) -> str:
    """Every evidence occurrence for a clerk, in reading order, separated by ；— the same term at the
    same place found by several lists once, with its lists."""
    occurrences: dict[tuple, list[dict]] = {}
    for hit in hits:
        key = tuple(hit.get(k) for k in ("term", "field", "start", "end", "counts", "use", "use_reason", "obfuscated"))
        occurrences.setdefault(key, []).append(hit)
    return "；".join(hit_text(same[0], list(dict.fromkeys(h["list"] for h in same)), with_use)
                    for same in occurrences.values())


def versions_text(hits: list[dict]) -> str:
    """The lists' versions for a clerk: national 7827d0e2849b；shanghai_p2p c21a93685060."""
    return "；".join(f"{name} {version}" for name, version in list_versions(hits).items())

