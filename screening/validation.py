"""Whether a read record can be loaded: a reason to reject it, or None.

A rejected record is still screened where its fields are readable (an analyst sees its hits),
but it is not loaded into the store until the office fixes it.
"""

from screening.credit_codes import credit_code_problem


def reject_reason(row: dict, has_credit_code_column: bool) -> str | None:
    """Why ``row`` is rejected: a read problem, an empty name, or a bad credit code."""
    if row.get("problem"):
        return row["problem"]
    if not (row.get("name") or "").strip():
        return "empty name"
    if has_credit_code_column:
        return credit_code_problem((row.get("credit_code") or "").strip())
    return None


def is_unreadable(row: dict) -> bool:
    """Whether the record's fields cannot be trusted at all (so it is not screened)."""
    return bool(row.get("problem"))
