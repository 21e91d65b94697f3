"""The keywords folder's TOML files: parsed, validated against their models, versioned by content.

Every file under ``keywords/`` is read here, so a malformed file always fails the same way: a
:class:`ListError` that names the file, the entry (by number and label) and the field.
"""

import hashlib
import json
from pathlib import Path
import tomllib

from pydantic import BaseModel, ValidationError

from screening.errors import ListError

ENTRY_KINDS = {"term": "entry", "category": "entry", "false_friend": "entry", "regulator": "entry", "pattern": "pattern",
               "cue": "cue", "suffix": "suffix"}
LABEL_KEYS = ("term", "name", "label", "text")


def read_toml(path: Path) -> dict:
    """Parse a TOML file; a syntax error names the file and the line."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ListError(f"{path}: not valid UTF-8 TOML: {error}. Fix the syntax there.") from error
    except OSError as error:
        raise ListError(f"{path}: cannot be read ({error.strerror}); check the keywords folder") from None


def _explain(path: Path, data: dict, error: ValidationError) -> ListError:
    """Turn a validation error into one naming the file and the entry."""
    problems = []
    for item in error.errors():
        loc = list(item["loc"])
        where = "/".join(str(part) for part in loc)
        if len(loc) >= 2 and loc[0] in ENTRY_KINDS and isinstance(loc[1], int):
            entries = data.get(loc[0], [{}])
            entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else {}
            label = next((entry[k] for k in LABEL_KEYS if k in entry), None) if isinstance(entry, dict) else None
            where = f"{ENTRY_KINDS[loc[0]]} #{loc[1] + 1} ({label!r}) field {'/'.join(map(str, loc[2:])) or '-'}"
        problems.append(f"{where}: {item['msg']}")
    return ListError(f"{path}: " + "; ".join(problems))


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
