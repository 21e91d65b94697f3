"""Regulators as data: who a hand-off goes to, from ``keywords/regulators.toml``.

Each regulator is one entry: the name the hand-off goes to, an ASCII slug for file names, its full
title, and the other names it had before or goes by now (银监局 → 银保监局 (2018) → 国家金融监督管理总局's
local offices). Categories (``categories.toml``) and stored watch-list entries may name a regulator by
any of its names; they resolve to the entry, so following a rename or a merger is an edit of this file
(rename the entry and keep the old name among its ``names``; move a merged office's names into the entry
it joined). A malformed file, a name or slug used twice, or a ``merged_into`` that names no entry fails
with a :class:`ListError` naming the file and the entry.
"""

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from screening.errors import ConfigError, ListError
from screening.rules.list_files import read_toml, validated

FILE = "regulators.toml"
SLUG = r"^[a-z][a-z0-9]{1,15}$"  # file names: lower-case ASCII letters and digits, no separator


class OtherName(BaseModel):
    """A name the regulator had before or goes by now (or a short form the plans use)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    since: int | None = Field(None, ge=1949, le=2100, description="Year the name came into use.")
    until: int | None = Field(None, ge=1949, le=2100, description="Year the name went out of use.")
    note: str = ""


class RegulatorEntry(BaseModel):
    """One regulator a hand-off can go to."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, description="The name hand-offs go to (and categories use).")
    slug: str = Field(pattern=SLUG, description="ASCII name used in file names (jrb_run3_…).")
    title: str = Field(min_length=1, description="The full name as a clerk would write it.")
    source: str = Field(min_length=1, description="Where the names come from, or 'the project's own record'.")
    names: list[OtherName] = []
    merged_into: str | None = Field(None, description="The regulator it was merged into (a name of another entry).")
    note: str = ""


class RegulatorsFile(BaseModel):
    """``regulators.toml``: every regulator a category may name."""

    model_config = ConfigDict(extra="forbid")
    regulator: list[RegulatorEntry] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Regulator:
    """A loaded regulator: its name, slug, title and every other name it answers to."""

    name: str
    slug: str
    title: str
    other_names: tuple[str, ...] = ()
    merged_into: str | None = None

    @property
    def all_names(self) -> tuple[str, ...]:
        """The entry's name first, then its other names."""
        return (self.name, *self.other_names)


class Regulators:
    """The regulators in file order, found by name, other name or slug."""

    def __init__(self, regulators: list[Regulator]):
        self._list = list(regulators)
        self._by_key = {key: r for r in self._list for key in (*r.all_names, r.slug)}

    def __iter__(self):
        return iter(self._list)

    def __len__(self) -> int:
        return len(self._list)

    @property
    def names(self) -> list[str]:
        """Every entry's name, in file order."""
        return [r.name for r in self._list]

    def find(self, name: str | None) -> Regulator | None:
        """The regulator answering to ``name`` (its name, another name or its slug), else None."""
        if not name:
            return None
        return self._by_key.get(name.strip()) or self._by_key.get(name.strip().lower())

    def get(self, name: str) -> Regulator:
        """The regulator answering to ``name``; an unknown one is a ConfigError listing the known."""
        found = self.find(name)
        if found is None:
            raise ConfigError(f"unknown regulator {name!r}; one of {', '.join(self.names)}"
                              f" (or another name or slug of one, see keywords/{FILE})")
        return found


def _checked(path: Path, spec: RegulatorsFile) -> list[Regulator]:
    """The entries as Regulators, after checking no name or slug is used twice."""
    seen: dict[str, int] = {}
    for index, entry in enumerate(spec.regulator):
        keys = [entry.name, entry.slug, *(other.name for other in entry.names)]
        for key in keys:
            if key in seen:
                where = "itself" if seen[key] == index else f"entry #{seen[key] + 1}"
                raise ListError(f"{path}: entry #{index + 1} ({entry.name!r}): {key!r} is already a name or slug of"
                                f" {where}; each name belongs to one regulator")
            seen[key] = index
    regulators = [Regulator(e.name, e.slug, e.title, tuple(o.name for o in e.names), e.merged_into)
                  for e in spec.regulator]
    for index, entry in enumerate(spec.regulator):
        if entry.merged_into is not None and seen.get(entry.merged_into, index) == index:
            raise ListError(f"{path}: entry #{index + 1} ({entry.name!r}) field merged_into: {entry.merged_into!r}"
                            " is not a name of another regulator in this file")
    return regulators


def load_regulators(keywords_dir: Path) -> Regulators:
    """The regulators of ``keywords_dir/regulators.toml``, validated."""
    path = keywords_dir / FILE
    return Regulators(_checked(path, validated(RegulatorsFile, path, read_toml(path))))
