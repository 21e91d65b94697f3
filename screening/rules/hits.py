"""What screening says about a firm: hits that explain themselves, and the verdicts.

Two tiers, never mixed: the plans' lists (重点监管) decide ``flagged``, the watch list of record; the
extended tier (关注, screening/extended.py) decides ``attention``, shown apart.
"""

from dataclasses import dataclass, field, fields

from screening.rules.company_names import NameParts

PLANS_TIER = "重点监管"
EXTENDED_TIER = "关注"


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
    use: str | None = None          # counting plans' hits: claim (the firm's own line) or mention
    use_reason: str | None = None   # the cue that decided the use, in Chinese
    obfuscated: str | None = None   # how the term was hidden (invisible or look-alike characters), else None

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
    attention: bool = False
    name_parts: NameParts | None = None
    use: str | None = None  # claim when any counting hit is a claim, mention when all are; None unless flagged
    key_kind: str | None = None  # uscc | registration_number (the firm's key), None when it has none usable
    registration_number: str | None = None  # the 15-digit 工商注册号, when the extract gives one

    @property
    def counting_hits(self) -> list[Hit]:
        """The plans' hits that count towards the verdict ``flagged``."""
        return [hit for hit in self.hits if hit.counts and hit.tier == PLANS_TIER]

    @property
    def attention_hits(self) -> list[Hit]:
        """The extended tier's hits (关注), which raise ``attention`` when the firm is not flagged
        (they never count: ``counts`` is about the plans' lists only)."""
        return [hit for hit in self.hits if hit.tier == EXTENDED_TIER]

    def as_dict(self) -> dict:
        """The JSON object ``regscreen check`` prints for this record."""
        return {
            "record": self.record, "credit_code": self.credit_code, "key_kind": self.key_kind,
            "registration_number": self.registration_number, "name": self.name,
            "region": self.region, "region_source": self.region_source, "flagged": self.flagged,
            "attention": self.attention, "use": self.use, "exempt": self.exempt, "rejected": self.rejected,
            "name_parts": self.name_parts.as_dict() if self.name_parts else None,
            "hits": [hit.as_dict() for hit in self.hits],
        }
