"""What a clerk reads: each reason of a counter decision, and the decision itself, in Chinese.

A reason is one hit of one list that applies in the applicant's region, with its ``effect``:
``refuse`` (a suspension list applies to what the application adds), ``report`` (a watch term
counts: the firm joins the watch list) or ``none`` (found but does not act, and ``why`` says why).
"""

from dataclasses import dataclass, fields

from screening.rules.hits import Hit

FIELD_NAMES = {"name": "名称", "scope": "经营范围"}
EFFECT_ORDER = {"refuse": 0, "report": 1, "none": 2}


@dataclass(slots=True)
class Reason:
    """One hit as the counter reads it (JSON field names in English, ``why`` in Chinese)."""

    term: str
    field: str
    list: str
    list_version: str
    action: str
    effect: str
    source: str
    why: str
    matched: str
    start: int
    end: int

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {name: getattr(self, name) for name in REASON_FIELDS}


REASON_FIELDS = tuple(f.name for f in fields(Reason))


def reason(hit: Hit, effect: str, why: str) -> Reason:
    """The reason for ``hit``; a term hidden by invisible or look-alike characters says how."""
    if hit.obfuscated:
        why = f"{why}；以隐藏字符写成（{hit.obfuscated}）"
    return Reason(hit.term, hit.field, hit.list, hit.list_version, hit.action, effect, hit.source, why,
                  hit.matched, hit.start, hit.end)


def not_counted(engine_why: str) -> str:
    """The screening engine's reason why an occurrence does not count, for the clerk."""
    if engine_why.startswith("negated ("):
        cue, _, clause = engine_why.removeprefix("negated (").partition("): ")
        return f"不计：处在排除或禁止表述（{cue}）之内：{clause}"
    if engine_why.startswith("not a word: "):
        return f"不计：不成词（{engine_why.removeprefix('not a word: ')}）"
    if engine_why.startswith("false friend: "):
        return f"不计：另有所指（{engine_why.removeprefix('false friend: ')}）"
    return f"不计：{engine_why}"


def watched(hit: Hit) -> str:
    """A counting watch term: the firm joins the watch list and its registration goes to the regulators."""
    return (f"持续关注：{FIELD_NAMES[hit.field]}含「{hit.term}」，登记后列入重点监管对象，"
            f"注册信息告知金融管理部门（{hit.source}）")


def suspended(hit: Hit, kind: str, item: str | None) -> str:
    """A suspension term that this application adds: the counter suspends it."""
    if kind == "move_in":
        return f"暂停办理迁入：{FIELD_NAMES[hit.field]}含「{hit.term}」，迁入未经批准（{hit.source}）"
    added = "变更后" if kind == "change" else ""
    if hit.field == "name":
        return f"暂停核准：{added}名称{'新增' if added else '含'}「{hit.term}」（{hit.source}）"
    new_item = "新增的" if kind == "change" else ""
    return f"暂停登记：{new_item}经营范围项目「{item}」含「{hit.term}」（{hit.source}）"


def kept(hit: Hit, item: str | None) -> str:
    """A suspension term a change keeps from the registration as it is: not added, not suspended."""
    if hit.field == "name":
        return f"不暂停：变更前的名称已含「{hit.term}」，不是本次新增（{hit.source}）"
    return f"不暂停：经营范围项目「{item}」变更前已有，不是本次新增（{hit.source}）"


def approved_move(hit: Hit) -> str:
    """A suspension term in a move in that has been approved."""
    return f"不暂停：迁入已经批准，{FIELD_NAMES[hit.field]}中的「{hit.term}」不暂停办理（{hit.source}）"


def summary(decision: str, reasons: list[Reason]) -> str:
    """The decision in one Chinese sentence, naming the terms that decided it."""
    def terms(effect: str, field: str) -> str:
        return "、".join(dict.fromkeys(f"「{r.term}」" for r in reasons if r.effect == effect and r.field == field))

    if decision == "refuse":
        parts = [f"{FIELD_NAMES[field]}含{found}" for field in FIELD_NAMES if (found := terms("refuse", field))]
        sources = "、".join(dict.fromkeys(" ".join(r.source.split(" ")[:2]) for r in reasons if r.effect == "refuse"))
        return f"暂停（不予办理）：{'；'.join(parts)}（依据{sources}）"
    if decision == "report":
        found = "、".join(dict.fromkeys(f"「{r.term}」" for r in reasons if r.effect == "report"))
        return f"可以办理，但含持续关注字样{found}：登记后列入重点监管对象，并告知金融管理部门"
    return "可以办理：未见暂停或持续关注的字样"


def ordered(reasons: list[Reason]) -> list[Reason]:
    """Reasons that act first (refuse, report, then the rest), each group by field and position."""
    return sorted(reasons, key=lambda r: (EFFECT_ORDER[r.effect], r.field != "name", r.start, r.list))
