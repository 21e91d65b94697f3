"""Licensed financial institutions are exempt (SCREENING_RULES.md section 3), with evidence.

Evidence, strongest first: the firm's name (or, for a branch, its parent's name as the prefix
of its own) in a public register under ``data/registers/``; else a legally reserved name form
(a name with 银行 or 信用社 needs a regulator's approval). Mentioning finance is not a licence.
"""

import csv
from dataclasses import dataclass
from pathlib import Path
import re

from screening.rules.folding import fold_text

MIN_PARENT_NAME = 4
REGISTERS = {  # file: (name column, kind column or None, kind when the column is missing or empty)
    "nfra_banking_institutions.csv": ("name", "type", "银行业金融机构"),
    "pbc_payment_institutions.csv": ("name", None, "非银行支付机构"),
}
_COMPANY = r"(股份有限公司|有限责任公司|有限公司|公司)"
_BRANCH = r"(.*(分行|支行|营业部|营业室|营业所|分理处|储蓄所|储蓄专柜|办事处|分公司|支公司|营销服务部|服务部|代表处|分社|信用站))?$"
RESERVED_FORMS = (
    ("bank or bank branch", re.compile(r"银行" + _COMPANY + r"?" + _BRANCH)),
    ("credit cooperative", re.compile(r"(信用合作联社|信用联社|信用合作社|信用社|农村合作银行|农村商业银行|农村资金互助社)")),
    ("insurer or insurer branch", re.compile(r"保险(集团)?" + _COMPANY + _BRANCH)),
    ("securities firm or branch", re.compile(r"(证券" + _COMPANY + _BRANCH + r"|证券(交易)?营业部)")),
    ("futures firm or branch", re.compile(r"期货(经纪)?" + _COMPANY + _BRANCH)),
    ("trust company", re.compile(r"信托(投资)?" + _COMPANY + _BRANCH)),
    ("group finance company", re.compile(r"集团财务" + _COMPANY + _BRANCH)),
)


@dataclass(frozen=True, slots=True)
class Exemption:
    """Why a firm is a licensed institution, and the evidence."""

    reason: str
    evidence: str

    def as_dict(self) -> dict[str, str]:
        """The JSON form used in hits output."""
        return {"reason": self.reason, "evidence": self.evidence}


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    """One licensed legal entity of a register."""

    name: str
    kind: str
    register: str
    row: int


def read_registers(folder: Path) -> dict[str, RegisterEntry]:
    """Every register entry by folded name."""
    entries = {}
    for filename, (name_column, kind_column, default_kind) in REGISTERS.items():
        with open(folder / filename, encoding="utf-8", newline="") as handle:
            for row_number, row in enumerate(csv.DictReader(handle), start=2):
                name = (row.get(name_column) or "").strip()
                if len(fold_text(name)) >= MIN_PARENT_NAME:
                    kind = (row.get(kind_column) or "").strip() if kind_column else ""
                    entry = RegisterEntry(name, kind or default_kind, filename, row_number)
                    entries.setdefault(fold_text(name), entry)
    return entries


class ExemptionChecker:
    """Finds the evidence that a firm is a licensed financial institution."""

    def __init__(self, registers_dir: Path):
        self.registers = read_registers(registers_dir)

    def register_entry(self, folded_name: str) -> RegisterEntry | None:
        """The register entry named exactly, else the longest one whose name prefixes the firm's."""
        # pragma: no mutate (1 -> 2): no shorter name is loaded (read_registers)
        for length in range(len(folded_name), MIN_PARENT_NAME - 1, -1):
            entry = self.registers.get(folded_name[:length])
            if entry:
                return entry
        return None

    def check(self, name: str | None) -> Exemption | None:
        """The exemption of a firm by its name, or None when it is not a licensed institution."""
        folded = fold_text(name or "")
        entry = self.register_entry(folded)
        if entry:
            how = "registered name" if fold_text(entry.name) == folded else "branch of registered parent"
            return Exemption(
                f"licensed institution ({entry.kind})",
                f"{entry.register} row {entry.row}: {entry.name} ({how})",
            )
        for kind, pattern in RESERVED_FORMS:
            found = pattern.search(folded)
            if found:
                return Exemption(f"licensed {kind} (reserved name form)", f"name contains {found.group(0)}; no register entry")
        return None
