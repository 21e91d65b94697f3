"""Claim or mention (SCREENING_RULES.md section 2, items 4-5): whose line of business a counting hit names.

A **claim** is the firm's own line: the industry word of its name, or a scope item that says what it
does, offers or operates. A **mention** names something else: a client or counterparty (为金融机构提供…,
接受金融机构委托), an authority (国有资产管理部门, 经金融办批准), equipment or software made or sold for
others (金融设备的销售, 支付软件开发), a step inside other work (工程款支付), a listing venue (…交易所上市).

Scope hits are judged from the structure of the scope item around the term, with cues kept as data
(``keywords/use_cues.toml``, each with its reason), tried in the file's order; the first that
applies decides, and a hit no cue speaks for is a claim. A cue must stand as a word (jieba, around
the hit only). Name hits are judged from the name's parse (company_names.py). A hit that cannot be
judged (unreadable text, no parse) is a claim with the reason 未能判定: it is never ranked lower.
"""

from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path
import re
from typing import Literal

import ahocorasick
from pydantic import BaseModel, ConfigDict, Field, model_validator

from screening.errors import ListError
from screening.rules.company_names import NameParts
from screening.rules.folding import fold_text
from screening.rules.layout import BLANK, Clause
from screening.rules.segmenter import Segmenter
from screening.rules.termlists import read_toml, validated

CLAIM, MENTION = "claim", "mention"
UNJUDGED = "未能判定"
SCOPE_CLAIM = "经营项目本身（未见提及线索）"
ITEM_STOPS = re.compile("[" + re.escape("、,;。()" + BLANK) + "]")
REACH = 40  # characters each side of the hit that a cue may lie in (a cue's work is bounded)
DAMAGED = frozenset("\ufffd")


class UseCue(BaseModel):
    """A cue around a term in a scope item that decides its use."""

    model_config = ConfigDict(extra="forbid")
    label: str = Field(min_length=1, description="Short name of the cue, unique (the tests key their cases by it).")
    kind: Literal["after", "before", "pair"]
    text: str | None = Field(None, description="after/before: the word that follows or precedes the term.")
    opener: str | None = Field(None, description="pair: the word before the term (为, 接受, 经, 对…).")
    closer: str | None = Field(None, description="pair: the first such word after the opener, after the term.")
    gap: int = Field(0, ge=0, le=12, description="after/before: characters allowed between term and word.")
    terms: list[str] = Field([], description="Only for these terms (empty: every term).")
    use: Literal["claim", "mention"]
    reason: str = Field(min_length=1, description="Chinese, shown as the hit's use_reason with the words found.")

    @property
    def words(self) -> tuple[str, ...]:
        """The words the cue looks for (a cue whose words are absent around a hit is skipped at once)."""
        return tuple(word for word in (self.text, self.opener, self.closer) if word)

    @model_validator(mode="after")
    def _shape(self) -> "UseCue":
        if self.kind == "pair" and not (self.opener and self.closer and self.text is None):
            raise ValueError("a pair cue needs opener and closer, and no text")
        if self.kind != "pair" and not (self.text and self.opener is None and self.closer is None):
            raise ValueError(f"an {self.kind} cue needs text, and no opener or closer")
        return self


class UseCuesFile(BaseModel):
    """``use_cues.toml``."""

    model_config = ConfigDict(extra="forbid")
    cue: list[UseCue] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Use:
    """A hit's use and the reason that decided it (Chinese)."""

    use: str
    reason: str


def load_use_cues(path: Path) -> list[UseCue]:
    """Read and validate the cue file: the error names the file and the entry."""
    spec = validated(UseCuesFile, path, read_toml(path))
    seen: set[str] = set()
    for index, cue in enumerate(spec.cue):
        if cue.label in seen:
            raise ListError(f"{path}: cue #{index + 1} ({cue.label!r}): duplicate label; keep one entry each")
        seen.add(cue.label)
    return [cue.model_copy(update={"text": cue.text and fold_text(cue.text), "opener": cue.opener and fold_text(cue.opener),
                                   "closer": cue.closer and fold_text(cue.closer),
                                   "terms": [fold_text(t) for t in cue.terms]}) for cue in spec.cue]


class UseJudge:
    """Judges the use of counting hits from the cues and the name's parse."""

    def __init__(self, segmenter: Segmenter, cues: list[UseCue]):
        self.segmenter, self.cues = segmenter, cues
        self._for_term: dict[str, tuple[tuple[UseCue, tuple[str, ...]], ...]] = {}
        self.words = ahocorasick.Automaton()  # every cue word, to see at once which ones a window holds
        for word in {word for cue in cues for word in cue.words}:
            self.words.add_word(word, word)
        self.words.make_automaton()

    def cues_for(self, term: str) -> tuple[tuple[UseCue, tuple[str, ...]], ...]:
        """The cues that apply to ``term``, in file order, each with the words it looks for."""
        found = self._for_term.get(term)
        if found is None:
            found = self._for_term[term] = tuple((c, c.words) for c in self.cues if not c.terms or term in c.terms)
        return found

    def scope(self, clause: Clause, start: int, end: int, term: str) -> Use:
        """The use of a scope hit at folded [start, end) inside ``clause``."""
        left = max(0, start - clause.start - REACH)
        window = clause.text[left:min(len(clause.text), end - clause.start + REACH)]
        at, until = start - clause.start - left, end - clause.start - left
        if DAMAGED.intersection(window):
            return Use(CLAIM, f"{UNJUDGED}（文字残缺）")
        item = _item(window, at, until)
        present = {word for _, word in self.words.iter(window)}
        cuts = None
        for cue, words in self.cues_for(term):
            if not present.issuperset(words):
                continue
            cuts = self.segmenter.boundaries(window) if cuts is None else cuts
            found = _CUE_KINDS[cue.kind](window, at, until, item, cue, cuts)
            if found is not None:
                return Use(cue.use, f"{cue.reason}：{window[min(found[0], at):max(found[1], until)]}")
        return Use(CLAIM, SCOPE_CLAIM)

    @staticmethod
    def name(parts: NameParts | None, start: int, end: int) -> Use:
        """The use of a name hit at original [start, end): the name's parse decides."""
        if parts is None:
            return Use(CLAIM, f"{UNJUDGED}（名称未能解析）")
        industry, trade, branch = parts.industry, parts.trade_name, parts.branch
        if industry and start < industry.end and industry.start < end:
            return Use(CLAIM, f"名称行业用语：{industry.text}")
        for part, label in ((trade, "名称字号"), (branch, "分支机构名称")):
            if part and part.start <= start and end <= part.end:
                return Use(CLAIM, f"{label}：{part.text}")
        return Use(CLAIM, f"{UNJUDGED}（词跨名称各部分）")


def _item(window: str, at: int, until: int) -> tuple[int, int]:
    """The scope item (between 、 , ; 。 and brackets) holding [at, until) of ``window``."""
    stops = [match.start() for match in ITEM_STOPS.finditer(window)]
    after = bisect_left(stops, until)
    before = bisect_left(stops, at) - 1
    return (stops[before] + 1 if before >= 0 else 0), (stops[after] if after < len(stops) else len(window))


def _after(window: str, at: int, until: int, item: tuple[int, int], cue: UseCue,
           cuts: frozenset[int]) -> tuple[int, int] | None:
    """The cue word after the term, within ``gap`` characters and the item."""
    last = item[1]
    for place in range(until, min(until + cue.gap, last) + 1):
        stop = place + len(cue.text)
        if stop <= last and window.startswith(cue.text, place) and _stands(cuts, place, stop, until, after=True):
            return place, stop
    return None


def _before(window: str, at: int, until: int, item: tuple[int, int], cue: UseCue,
            cuts: frozenset[int]) -> tuple[int, int] | None:
    """The cue word before the term, within ``gap`` characters and the item."""
    first = item[0]
    for stop in range(at, max(at - cue.gap, first) - 1, -1):
        place = stop - len(cue.text)
        if place >= first and window.startswith(cue.text, place) and _stands(cuts, place, stop, at, after=False):
            return place, stop
    return None


def _stands(cuts: frozenset[int], place: int, stop: int, touching: int, after: bool) -> bool:
    """Whether a cue word at [place, stop) stands as a word: one of its edges on a word boundary
    (电子设备, 终端机) or glued to the term inside one word (金融机构, 注册资本); a one-character cue
    needs its outer edge on a boundary as well (金融业, not 金融业务)."""
    inner, outer = (place, stop) if after else (stop, place)
    if stop - place == 1:
        return outer in cuts and (inner in cuts or inner == touching)
    return inner in cuts or outer in cuts or inner == touching


def _pair(window: str, at: int, until: int, item: tuple[int, int], cue: UseCue,
          cuts: frozenset[int]) -> tuple[int, int] | None:
    """The nearest opener before the term whose first closer comes after the term (为…提供)."""
    opener = window.rfind(cue.opener, 0, at)
    while opener >= 0 and not {opener, opener + len(cue.opener)} <= cuts:
        opener = window.rfind(cue.opener, 0, opener)
    if opener < 0:
        return None
    closer = window.find(cue.closer, opener + len(cue.opener))
    while closer >= 0 and not {closer, closer + len(cue.closer)} <= cuts:
        closer = window.find(cue.closer, closer + 1)
    return (opener, closer + len(cue.closer)) if closer >= until else None


_CUE_KINDS = {"after": _after, "before": _before, "pair": _pair}
