"""Term lists as data: the plans' restricted words, loaded from ``keywords/*.toml`` and validated.

One TOML file per list. A list's version is derived from its content (sha256 of its canonical
JSON form), so any edit to a term, its source or its category gives a new version. A malformed
file fails with an error that names the file and the entry.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from screening.errors import ListError as TermListError
from screening.rules.folding import SEPARATORS, fold_text
from screening.rules.list_files import content_version, read_toml, validated
from screening.rules.regulators import Regulators, load_regulators

Field_ = Literal["name", "scope"]
# Not plans' lists: categories and regulators, false friends, the parts of a firm name, the use cues and place
# words, and the extended tier (关注), which screening/extended.py loads apart so that the watch list of record
# follows the plans alone.
SPECIAL_FILES = {"categories.toml", "regulators.toml", "false_friends.toml", "name_parts.toml", "extended.toml",
                 "use_cues.toml", "place_names.toml"}


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
        if SEPARATORS.search(fold_text(value)):
            raise ValueError("term holds a separator (- . · _ /), which matching sees through inside a term")
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


def load_categories(keywords_dir: Path) -> dict[str, Category]:
    """The lead regulators by category, from ``categories.toml``; every regulator must be one of
    ``regulators.toml`` (by any of its names) and is given by its entry's name."""
    path = keywords_dir / "categories.toml"
    data = read_toml(path)
    spec = validated(CategoriesFile, path, data)
    regulators = load_regulators(keywords_dir)
    categories = {}
    for index, category in enumerate(spec.category):
        if category.name in categories:
            raise TermListError(f"{path}: entry #{index + 1} ({category.name!r}): duplicate category")
        resolved = _regulators_of(path, index, category, regulators)
        categories[category.name] = category.model_copy(update={"regulators": resolved})
    return categories


def _regulators_of(path: Path, index: int, category: Category, regulators: Regulators) -> list[str]:
    """The category's regulators by their entries' names (lead first, each once); an unknown one fails."""
    resolved: list[str] = []
    for name in category.regulators:
        regulator = regulators.find(name)
        if regulator is None:
            raise TermListError(f"{path}: entry #{index + 1} ({category.name!r}): unknown regulator {name!r};"
                                f" known: {', '.join(regulators.names)} (add it to regulators.toml)")
        resolved += [regulator.name] if regulator.name not in resolved else []
    return resolved


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
