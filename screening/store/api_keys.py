"""API keys of the offices (or registration systems) that ask the counter over HTTP.

A key is ``rsk_<key_id>_<secret>``: ``key_id`` (8 hex digits) is public and names the key in lists and
records; the secret is 32 random bytes (``secrets``). Only the sha256 of the whole key is stored, in
the counter's side database (:mod:`screening.store.counter_db`), so the key is shown once, when it is
made, and never again. A presented key is found by its id and compared by hash in constant time; a
revoked key stays listed (with when it was revoked) and no longer opens anything.
"""

from dataclasses import dataclass
from datetime import datetime
import hashlib
import hmac
import re
import secrets

from screening.errors import NotFound, UsageError
from screening.store.counter_db import CounterDb

KEY_SHAPE = re.compile(r"^rsk_(?P<key_id>[0-9a-f]{8})_[A-Za-z0-9_-]{43}$")
NAME_MAX = 100


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A stored key: its public id, the name it was made for, when, and whether revoked."""

    key_id: str
    name: str
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None


def key_hash(key: str) -> str:
    """The stored form of a key: sha256, hex."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def now_text() -> str:
    """The local time now, ISO 8601 with its offset."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def add_key(counter: CounterDb, name: str) -> tuple[ApiKey, str]:
    """Make a key for ``name``: (the stored key, the key itself — to be shown once)."""
    name = name.strip()
    if not name or len(name) > NAME_MAX or not name.isprintable():
        raise UsageError(f"an API key needs a name of 1 to {NAME_MAX} printable characters (the office), not {name!r}")
    with counter.transaction() as con:
        while True:
            key_id = secrets.token_hex(4)
            if not con.execute("select 1 from api_keys where key_id = ?", (key_id,)).fetchall():
                break
        key = f"rsk_{key_id}_{secrets.token_urlsafe(32)}"
        created = now_text()
        con.execute("insert into api_keys (key_id, name, key_hash, created_at) values (?, ?, ?, ?)",
                    (key_id, name, key_hash(key), created))
    return ApiKey(key_id, name, created, None), key


def list_keys(counter: CounterDb) -> list[ApiKey]:
    """Every key ever made (never the key itself), oldest first."""
    rows = counter.rows("select key_id, name, created_at, revoked_at from api_keys order by created_at, key_id")
    return [ApiKey(**row) for row in rows]


def revoke(counter: CounterDb, key_id_or_name: str) -> list[ApiKey]:
    """Revoke the key with this id, or every active key with this name; NotFound when there is none."""
    wanted = key_id_or_name.strip()
    with counter.transaction() as con:
        rows = con.execute("select key_id from api_keys where revoked_at is null and (key_id = ? or name = ?)",
                           (wanted, wanted)).fetchall()
        if not rows:
            raise NotFound(f"no active API key with id or name {wanted!r}; see `regscreen apikey list`")
        con.executemany("update api_keys set revoked_at = ? where key_id = ?", [(now_text(), r[0]) for r in rows])
    ids = {r[0] for r in rows}
    return [key for key in list_keys(counter) if key.key_id in ids]


def verify(counter: CounterDb, presented: str | None) -> tuple[ApiKey | None, str]:
    """The active key ``presented`` is, or (None, why not): missing, malformed, unknown or revoked."""
    if not presented:
        return None, "missing"
    shape = KEY_SHAPE.match(presented)
    if not shape:
        return None, "malformed"
    rows = counter.rows("select key_id, name, created_at, revoked_at, key_hash from api_keys where key_id = ?",
                        (shape["key_id"],))
    if not rows or not hmac.compare_digest(rows[0].pop("key_hash"), key_hash(presented)):
        return None, "unknown"
    key = ApiKey(**rows[0])
    return (key, "ok") if key.active else (None, "revoked")
