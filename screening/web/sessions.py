"""Server-side sessions in the accounts file: the cookie carries a random token, the file keeps only
its sha256 with the user, a CSRF token, and the times. Logging out, disabling a user or changing a
password ends sessions at once; a session ends by itself after its lifetime or when idle too long."""

from dataclasses import dataclass
from datetime import datetime, timedelta
import hashlib
from pathlib import Path
import secrets

from screening.web.accounts import User, connected, now

TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most once a minute per session


@dataclass(frozen=True, slots=True)
class Session:
    """A logged-in user and the CSRF token every form of theirs carries."""

    user: User
    csrf_token: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start(path: Path, user: User, lifetime: timedelta) -> tuple[str, Session]:
    """A new session for ``user``: (the cookie's token, the session)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    at = now()
    with connected(path) as con:
        con.execute("delete from sessions where expires_at < ?", [at.isoformat()])
        con.execute("insert into sessions values (?, ?, ?, ?, ?, ?)",
                    [token_hash(token), user.username, csrf, at.isoformat(), at.isoformat(), (at + lifetime).isoformat()])
    return token, Session(user, csrf)


def find(path: Path, token: str | None, idle: timedelta) -> Session | None:
    """The live session of a cookie token, or None (unknown, expired, idle too long, user disabled)."""
    if not token or len(token) > 256 or not path.exists():
        return None
    at = now()
    with connected(path) as con:
        row = con.execute("select s.csrf_token, s.last_seen_at, s.expires_at, u.username, u.role from sessions s "
                          "join users u on u.username = s.username where s.token_hash = ? and not u.disabled",
                          [token_hash(token)]).fetchone()
        if row is None:
            return None
        csrf, last_seen, expires, username, role = row
        last = datetime.fromisoformat(last_seen)
        if datetime.fromisoformat(expires) <= at or last + idle <= at:
            con.execute("delete from sessions where token_hash = ?", [token_hash(token)])
            return None
        if at - last >= TOUCH_EVERY:
            con.execute("update sessions set last_seen_at = ? where token_hash = ?", [at.isoformat(), token_hash(token)])
    return Session(User(username, role), csrf)


def end(path: Path, token: str | None) -> None:
    """Log out: the session's row is deleted."""
    if token and path.exists():
        with connected(path) as con:
            con.execute("delete from sessions where token_hash = ?", [token_hash(token)])
