"""Company names parsed into their parts: region, trade name (字号), industry, organisation form.

企业名称登记管理规定 第七条 builds a name as 行政区划 + 字号 + 行业或者经营特点 + 组织形式; the region may
also stand in brackets after the trade name or before the form (人人贷商务顾问（北京）有限公司), and a
branch adds its own designation after its parent's name (…有限公司水暖器材分公司). The parse is a few
rules over data: region names from cpca's GB/T 2260 table (read as a file, without loading cpca),
forms, branch designations and industry words from ``keywords/name_parts.toml``. It works on folded
text and reports every part with its span in the original name.
"""

from dataclasses import dataclass
import csv
from functools import lru_cache
import importlib.util
from pathlib import Path
import re

from pydantic import BaseModel, ConfigDict, Field

from screening.rules.folding import FoldedText, fold
from screening.rules.termlists import read_toml, validated

MIN_TRADE_NAME = 2
NOT_PLACES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
SHORTENED = re.compile(r"(省|市|特别行政区|自治区|地区|盟|自治州|自治县)$")
NATIONAL = ("中国",)
PARENT_FORMS = ("公司", "合作社", "联合社", "供销社")
PART_NAMES = ("region", "trade_name", "industry", "form", "branch")


class NamePartsFile(BaseModel):
    """``name_parts.toml``: organisation forms, branch designations, industry words."""

    model_config = ConfigDict(extra="forbid")
    forms: list[str] = Field(min_length=1)
    branches: list[str] = Field(min_length=1)
    industry: list[str] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a name: its text and its span [start, end) in the original name."""

    text: str
    start: int
    end: int

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class NameParts:
    """A parsed name; a part the name does not have is None. ``industry_words`` are the folded
    vocabulary words the industry part was read as (互联网/金融/信息/服务), where the parse found them."""

    region: Part | None
    trade_name: Part | None
    industry: Part | None
    form: Part | None
    branch: Part | None
    industry_words: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """JSON-ready form: each part as {text, start, end} or None."""
        return {name: (part.as_dict() if part else None) for name, part in self.items()}

    @classmethod
    def from_dict(cls, data: dict | None) -> "NameParts | None":
        """The parts back from their JSON-ready form (None stays None)."""
        if not data:
            return None
        return cls(**{name: Part(**part) if part else None for name, part in data.items()})

    def items(self) -> list[tuple[str, Part | None]]:
        """The parts by name, in reading order."""
        return [("region", self.region), ("trade_name", self.trade_name), ("industry", self.industry),
                ("form", self.form), ("branch", self.branch)]

    def part_of(self, start: int, end: int) -> str | None:
        """The name of the part holding the original span [start, end), or None if it crosses parts."""
        for name, part in self.items():
            if part and part.start <= start and end <= part.end:
                return name
        return None


def _cpca_table(name: str) -> Path:
    """A data file shipped with cpca, found without importing it (cpca loads pandas)."""
    spec = importlib.util.find_spec("cpca")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / name


def _short_name(name: str, nations: list[str]) -> str:
    """A place's short form: 广东省 → 广东, 延边朝鲜族自治州 → 延边, 义乌市 → 义乌."""
    short = SHORTENED.sub("", name)
    stripped = True
    while stripped:
        stripped = False
        for nation in nations:
            for form in (nation, nation.removesuffix("族")):
                if len(form) >= 2 and short.endswith(form) and len(short) - len(form) >= 2:
                    short, stripped = short[: -len(form)], True
    return short


def _scope(code: str) -> str:
    """The code prefix an area's sub-areas share: 2 digits for a province, 4 for a city, else 6."""
    return code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code


@lru_cache(maxsize=1)
def place_names() -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """(the GB/T 2260 codes of every place name a region part may use, the province-level names):
    full names of every area, and short forms of provinces, prefecture-level and county-level cities."""
    nations = _cpca_table("56_nations.csv").read_text(encoding="utf-8").split()
    codes: dict[str, set[str]] = {name: {""} for name in NATIONAL}
    provinces = set()
    with open(_cpca_table("adcodes.csv"), encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name, code = row["name"], row["adcode"][:6]
            if name in NOT_PLACES:
                continue
            names = {name}
            if code.endswith("00") or name.endswith("市"):
                short = _short_name(name, nations)
                names |= {short} if len(short) >= 2 else set()
            for each in names:
                codes.setdefault(each, set()).add(code)
            if code.endswith("0000"):
                provinces |= names
    return {name: frozenset(found) for name, found in codes.items()}, frozenset(provinces)


class NameParser:
    """Parses firm names with the vocabulary of ``name_parts.toml``."""

    def __init__(self, spec: NamePartsFile):
        self.forms = sorted({fold(f).text for f in spec.forms}, key=len, reverse=True)
        self.forms_or_branches = sorted({fold(f).text for f in spec.forms + spec.branches}, key=len, reverse=True)
        self.industry = frozenset(fold(w).text for w in spec.industry)
        self.longest_word = max(map(len, self.industry))
        self.places, self.provinces = place_names()
        self.parse = lru_cache(maxsize=65_536)(self._parse)

    @classmethod
    def from_file(cls, path: Path) -> "NameParser":
        """A parser over the vocabulary file at ``path`` (malformed: the error names the file)."""
        return cls(validated(NamePartsFile, path, read_toml(path)))

    def _suffix(self, text: str, end: int, words: list[str]) -> int:
        """Where the longest of ``words`` ending at ``end`` starts, or ``end`` when none does."""
        return next((end - len(w) for w in words if text.endswith(w, 0, end) and end - len(w) > 0), end)

    def _next_place(self, text: str, position: int, end: int, within: frozenset[str]) -> tuple[int, frozenset[str]]:
        """The longest place name at ``position`` inside one of the areas ``within`` (its end, its
        codes), or (position, within) when there is none (天津市东方… is not 东方市 of Hainan)."""
        for length in range(min(10, end - position), 1, -1):
            codes = self.places.get(text[position:position + length])
            inside = codes and frozenset(c for c in codes if any(c.startswith(_scope(w)) for w in within))
            if inside:
                return position + length, inside
        return position, within

    @staticmethod
    def _parent_end(text: str, end: int) -> int:
        """Where a branch's parent name ends: after the last 公司 or 合作社 with more name after it
        (…有限公司水暖器材分公司, 中国邮政集团公司…支局); ``end`` when there is none."""
        found = [text.rfind(form, 0, end - 1) for form in PARENT_FORMS]
        return max((at + len(form) for at, form in zip(found, PARENT_FORMS) if at > 0), default=end)

    def _leading_region(self, text: str, start: int, end: int) -> int:
        """The end of the place names at the start of [start, end) (each inside the one before),
        leaving a trade name of at least two characters."""
        position, within = start, frozenset({""})
        while True:
            found, inside = self._next_place(text, position, end, within)
            if found == position or end - found < MIN_TRADE_NAME:
                return position
            position, within = found, inside

    def _bracket_region(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """The span of a bracketed place name (（北京）) inside [start, end), brackets included."""
        for match in re.finditer(r"\(([^()]{2,12})\)", text[start:end]):
            inner = match.group(1)
            if inner in self.places or SHORTENED.sub("", inner) in self.places:
                return start + match.start(), start + match.end()
        return None

    def _peel(self, text: str, start: int, end: int, keep: int = MIN_TRADE_NAME) -> tuple[int, tuple[str, ...]]:
        """Peel industry words (longest first) off the end of [start, end), leaving at least ``keep``
        characters: where the industry part starts, and its words in reading order."""
        position, words = end, []
        while position - start > keep:
            found = next((position - n for n in range(min(self.longest_word, position - start - keep), 1, -1)
                          if text[position - n:position] in self.industry), None)
            if found is None:
                break
            words.append(text[found:position])
            position = found
        return position, tuple(reversed(words))

    def _form_start(self, text: str, parent_end: int, end: int) -> int:
        """Where the organisation form before ``parent_end`` starts; a bracketed partnership form may
        follow another (投资管理中心（有限合伙）); a name with no parent before its branch designation
        takes the designation as its form (某某科技分公司)."""
        forms = self.forms if parent_end < end else self.forms_or_branches
        start = self._suffix(text, parent_end, forms)
        if start < parent_end and text[start] == "(":
            start = self._suffix(text, start, self.forms)
        return start

    def _parse(self, name: str) -> NameParts:
        """The parts of ``name`` (cached: names repeat across branches and runs)."""
        folded = fold(name)
        text = folded.text
        end = len(text)
        parent_end = self._parent_end(text, end)
        form_start = self._form_start(text, parent_end, end)
        bracket = self._bracket_region(text, 0, form_start)
        region = self._leading_region(text, 0, bracket[0] if bracket else form_start)
        spans = {"region": (0, region) if region else None, "form": (form_start, parent_end),
                 "branch": (parent_end, end)}
        if bracket and bracket[0] < region:
            bracket = None
        if bracket and bracket[1] == form_start:
            form_start = bracket[0]
        if bracket:
            spans["region"] = spans["region"] or (bracket[0] + 1, bracket[1] - 1)  # the place, not its brackets
        if bracket and bracket[1] < form_start:
            spans["trade_name"], spans["industry"] = (region, bracket[0]), (bracket[1], form_start)
            words = self._peel(text, bracket[1], form_start, keep=0)[1]
        else:
            tail = self._trailing_province(text, region, form_start)
            if tail < form_start:
                spans["region"] = spans["region"] or (tail, form_start)
            industry, words = self._peel(text, region, tail)
            spans["trade_name"], spans["industry"] = (region, industry), (industry, tail)
        return NameParts(**{key: _part(folded, spans.get(key)) for key in PART_NAMES}, industry_words=words)

    def _trailing_province(self, text: str, start: int, end: int) -> int:
        """Where a province name written just before the form starts (开鑫贷融资服务江苏有限公司)."""
        return next((end - n for n in range(min(8, end - start - MIN_TRADE_NAME), 1, -1)
                     if text[end - n:end] in self.provinces), end)


def _part(folded: FoldedText, span: tuple[int, int] | None) -> Part | None:
    """The original text and span of a folded span (None when empty)."""
    if not span or span[0] >= span[1]:
        return None
    start, end = folded.original_span(*span)
    return Part(folded.original[start:end], start, end)
