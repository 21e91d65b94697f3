"""What screening says about a firm: hits that explain themselves, and the verdict."""

from dataclasses import dataclass, field, fields


@dataclass(frozen=True, slots=True)
class Hit:
    """One occurrence of one list's term in one field, and whether it counts."""

    term: str
    field: str
    start: int
    end: int
    counts: bool
    why: str | None
    list: str
    list_version: str
    source: str
    category: str
    regulator: str
    regulators: tuple[str, ...]
    action: str
    tier: str
    matched: str

    def as_dict(self) -> dict:
        """JSON-ready form (``matched`` is the original text of the span)."""
        data = {name: getattr(self, name) for name in HIT_FIELDS}
        data["regulators"] = list(self.regulators)
        return data


HIT_FIELDS = tuple(f.name for f in fields(Hit))


@dataclass(slots=True)
class FirmResult:
    """The screening of one data record: the firm, where it is registered, its hits, the verdict."""

    record: int
    credit_code: str | None
    name: str | None
    region: str | None
    region_source: str
    flagged: bool = False
    exempt: dict | None = None
    rejected: str | None = None
    hits: list[Hit] = field(default_factory=list)

    @property
    def counting_hits(self) -> list[Hit]:
        """The hits that count towards the verdict."""
        return [hit for hit in self.hits if hit.counts]

    def as_dict(self) -> dict:
        """The JSON object ``regscreen check`` prints for this record."""
        return {
            "record": self.record, "credit_code": self.credit_code, "name": self.name,
            "region": self.region, "region_source": self.region_source, "flagged": self.flagged,
            "exempt": self.exempt, "rejected": self.rejected, "hits": [hit.as_dict() for hit in self.hits],
        }
