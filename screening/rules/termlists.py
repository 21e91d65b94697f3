"""Term lists as data: the plans' restricted words, loaded from ``keywords/*.toml`` and validated.

One TOML file per list. A list's version is derived from its content (sha256 of its canonical
JSON form), so any edit to a term, its source or its category gives a new version. A malformed
file fails with an error that names the file and the entry.
"""

from dataclasses import dataclass
import hashlib
import json
from pathlib import Path
import tomllib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from screening.errors import ListError as TermListError
from screening.rules.folding import fold_text

Field_ = Literal["name", "scope"]
# Not plans' lists: regulators, false friends, the parts of a firm name, and the extended tier (关注),
# which screening/extended.py loads apart so that the watch list of record follows the plans alone.
SPECIAL_FILES = {"categories.toml", "false_friends.toml", "name_parts.toml", "extended.toml"}


class TermEntry(BaseModel):
    """One restricted word as a plan states it."""

    model_config = ConfigDict(extra="forbid")
    term: str = Field(min_length=1, description="The word as the plan writes it.")
    category: str = Field(min_length=1, description="Kind of business; picks the lead regulator.")
    source: str = Field(min_length=1, description="Document and section the word comes from.")
    fields: list[Field_] | None = Field(None, description="Overrides the list's fields.")
    action: Literal["watch", "suspend"] | None = Field(None, description="Overrides the list's action.")
    note: str = ""

    @field_validator("term")
    @classmethod
    def _foldable(cls, value: str) -> str:
        if not fold_text(value):
            raise ValueError("term is empty once folded (only spaces?)")
        return value


class TermListFile(BaseModel):
    """A whole list file: who issued it, where it applies, its words."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    tier: Literal["重点监管", "关注"]
    action: Literal["watch", "suspend"]
    fields: list[Field_] = ["name", "scope"]
    regions: list[str] = Field(description="GB/T 2260 prefixes; empty means everywhere.")
    document: str
    note: str = ""
    term: list[TermEntry] = Field(min_length=1)

    @field_validator("regions")
    @classmethod
    def _region_prefixes(cls, value: list[str]) -> list[str]:
        for prefix in value:
            if not (prefix.isdigit() and 2 <= len(prefix) <= 6):
                raise ValueError(f"region {prefix!r} is not a GB/T 2260 prefix (2 to 6 digits)")
        return value


class Category(BaseModel):
    """A kind of business and its lead regulators (分工), lead first."""

    model_config = ConfigDict(extra="forbid")
    name: str
    regulators: list[str] = Field(min_length=1)
    priority: int = Field(ge=1, description="Order on the watch list after abnormal firms (1 first).")
    source: str


class CategoriesFile(BaseModel):
    """``categories.toml``: every category a term may name."""

    model_config = ConfigDict(extra="forbid")
    category: list[Category] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Term:
    """A term ready for matching, with everything a hit must explain."""

    term: str
    folded: str
    fields: tuple[str, ...]
    action: str
    category: str
    regulators: tuple[str, ...]
    source: str
    list_id: str
    list_version: str
    tier: str
    regions: tuple[str, ...]

    @property
    def regulator(self) -> str:
        """The lead regulator."""
        return self.regulators[0]

    def applies_in(self, region: str | None) -> bool:
        """Whether this term's list applies to a firm registered in ``region``."""
        if not self.regions:
            return True
        return bool(region) and any(region.startswith(p) for p in self.regions)


@dataclass(frozen=True, slots=True)
class TermList:
    """A loaded list: its file, its version and its terms."""

    id: str
    title: str
    tier: str
    version: str
    path: Path
    document: str
    regions: tuple[str, ...]
    terms: tuple[Term, ...]


def read_toml(path: Path) -> dict:
    """Parse a TOML file; a syntax error names the file and the line."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise TermListError(f"{path}: not valid UTF-8 TOML: {error}. Fix the syntax there.") from error


def _explain(path: Path, data: dict, error: ValidationError) -> TermListError:
    """Turn a validation error into one naming the file and the entry."""
    problems = []
    for item in error.errors():
        loc = list(item["loc"])
        where = "/".join(str(part) for part in loc)
        if len(loc) >= 2 and loc[0] in ("term", "category", "false_friend", "pattern") and isinstance(loc[1], int):
            entry = data.get(loc[0], [{}])[loc[1]]
            label = next((entry[k] for k in ("term", "name", "label", "text") if k in entry), None) if isinstance(entry, dict) else None
            kind = "pattern" if loc[0] == "pattern" else "entry"
            where = f"{kind} #{loc[1] + 1} ({label!r}) field {'/'.join(map(str, loc[2:])) or '-'}"
        problems.append(f"{where}: {item['msg']}")
    return TermListError(f"{path}: " + "; ".join(problems))


def validated(model: type[BaseModel], path: Path, data: dict) -> BaseModel:
    """Validate ``data`` against ``model`` or fail naming the file and entry."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise _explain(path, data, error) from None


def content_version(data: dict) -> str:
    """A version derived from content: the first 12 hex digits of its canonical sha256."""
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def load_categories(keywords_dir: Path) -> dict[str, Category]:
    """The lead regulators by category, from ``categories.toml``."""
    path = keywords_dir / "categories.toml"
    data = read_toml(path)
    spec = validated(CategoriesFile, path, data)
    categories = {}
    for index, category in enumerate(spec.category):
        if category.name in categories:
            raise TermListError(f"{path}: entry #{index + 1} ({category.name!r}): duplicate category")
        categories[category.name] = category
    return categories


def _terms_of(spec: TermListFile, version: str, path: Path, categories: dict[str, Category]):
    """The matchable terms of one validated list file."""
    for index, entry in enumerate(spec.term):
        category = categories.get(entry.category)
        if category is None:
            raise TermListError(
                f"{path}: entry #{index + 1} ({entry.term!r}): unknown category {entry.category!r};"
                f" known: {', '.join(categories)}"
            )
        yield Term(
            entry.term, fold_text(entry.term), tuple(entry.fields or spec.fields),
            entry.action or spec.action, entry.category, tuple(category.regulators),
            entry.source, spec.id, version, spec.tier, tuple(spec.regions),
        )


def load_list(path: Path, categories: dict[str, Category]) -> TermList:
    """Load and validate one list file."""
    data = read_toml(path)
    spec = validated(TermListFile, path, data)
    seen = [t.term for t in spec.term]
    duplicates = sorted({t for t in seen if seen.count(t) > 1})
    if duplicates:
        raise TermListError(f"{path}: duplicate term(s) {', '.join(duplicates)}; keep one entry each")
    version = content_version(data)
    terms = tuple(_terms_of(spec, version, path, categories))
    return TermList(spec.id, spec.title, spec.tier, version, path, spec.document, tuple(spec.regions), terms)


def list_paths(keywords_dir: Path) -> list[Path]:
    """The list files of ``keywords_dir``: every ``*.toml`` but the special files."""
    return sorted(p for p in keywords_dir.glob("*.toml") if p.name not in SPECIAL_FILES)


def list_versions(keywords_dir: Path) -> dict[str, str]:
    """The version of every list by id, read from the files alone (cheap: no validation, no folding); the
    same as the loaded lists' versions, which :func:`load_lists` validates when the lists are used."""
    versions = {}
    for path in list_paths(keywords_dir):
        data = read_toml(path)
        versions[str(data.get("id"))] = content_version(data)
    return versions


def load_lists(keywords_dir: Path) -> list[TermList]:
    """Every list file in ``keywords_dir`` (all ``*.toml`` but the special files), sorted by id."""
    categories = load_categories(keywords_dir)
    lists = [load_list(path, categories) for path in list_paths(keywords_dir)]
    ids = [lst.id for lst in lists]
    if len(set(ids)) != len(ids):
        raise TermListError(f"{keywords_dir}: two list files share an id: {sorted(ids)}")
    return sorted(lists, key=lambda lst: (lst.id != "national", lst.id))
