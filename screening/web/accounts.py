"""The workspace's accounts: users with a role and an argon2 password hash, login attempts and lock-outs.

Accounts live in a small SQLite file beside the store (``registry.duckdb`` → ``registry.accounts.sqlite``),
not in the store itself: a nightly run holds the store's run lock and DuckDB's exclusive file lock for its
whole transaction, and logins and ``regscreen user add`` must work meanwhile. SQLite in WAL mode lets the
server and the command line open it at the same time; every call opens it, does one short transaction
and closes it. Back it up with ``sqlite3 registry.accounts.sqlite ".backup copy.sqlite"`` (README).

Roles, lowest first: viewer (reads), analyst (decides), supervisor (also reopens a decision). Five
failed logins in a row lock an account for 15 minutes; every attempt is kept in ``logins``.
"""

from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
import re
import sqlite3
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from screening.errors import NotFound, UsageError

ROLES = ("viewer", "analyst", "supervisor")
MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 8
NAME = re.compile(r"[\w.@-]{1,64}")
HASHER = PasswordHasher()
# verified when the user is unknown, so a wrong name costs the same time as a wrong password
DUMMY_HASH = HASHER.hash("not a password of anyone")

SCHEMA = """
create table if not exists users (
    username text primary key,
    role text not null check (role in ('viewer', 'analyst', 'supervisor')),
    password_hash text not null,         -- argon2id, with its parameters and salt
    disabled integer not null default 0,
    failed_logins integer not null default 0,  -- failures in a row since the last success or lock
    locked_until text,                   -- ISO time; logins refused before it
    created_at text not null,
    password_changed_at text not null
);
create table if not exists logins (
    at text not null, username text not null, ok integer not null,
    outcome text not null,               -- ok | wrong password | unknown user | disabled | locked
    client text                          -- the client's address as the server saw it
);
create table if not exists sessions (
    token_hash text primary key,         -- sha256 of the cookie's token: the token itself is never stored
    username text not null references users(username),
    csrf_token text not null,
    created_at text not null, last_seen_at text not null, expires_at text not null
);
"""


@dataclass(frozen=True, slots=True)
class User:
    """An account as the workspace sees it."""

    username: str
    role: str
    disabled: bool = False
    locked_until: str | None = None

    def can(self, role: str) -> bool:
        """Whether this user's role is at least ``role``."""
        return ROLES.index(self.role) >= ROLES.index(role)


def accounts_path(db: Path) -> Path:
    """The accounts file of a store: ``registry.duckdb`` → ``registry.accounts.sqlite``."""
    return db.with_name(f"{db.stem}.accounts.sqlite")


@contextmanager
def connected(path: Path):
    """One short transaction on the accounts file (created with its tables when missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path, timeout=10, isolation_level=None)) as con:
        con.execute("pragma journal_mode = wal")
        con.execute("pragma busy_timeout = 10000")
        con.executescript(SCHEMA)
        con.execute("begin immediate")
        try:
            yield con
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def checked_name(username: str) -> str:
    """The user name as stored (NFC); letters, digits and . _ @ - only, up to 64 characters."""
    name = unicodedata.normalize("NFC", username.strip())
    if not NAME.fullmatch(name):
        raise UsageError(f"user name {username!r}: use 1–64 letters, digits or . _ @ - (no spaces)")
    return name


def checked_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"the password must have at least {MIN_PASSWORD} characters")
    if password != password.strip() or any(unicodedata.category(c)[0] == "C" for c in password):
        raise UsageError("the password must not start or end with spaces or contain control characters")
    return password


def add_user(path: Path, username: str, role: str, password: str) -> User:
    """Create an account; UsageError when the name is taken, the role unknown or the password too short."""
    name, password = checked_name(username), checked_password(password)
    if role not in ROLES:
        raise UsageError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    stamp = now().isoformat()
    with connected(path) as con:
        if con.execute("select 1 from users where username = ?", [name]).fetchone():
            raise UsageError(f"user {name} exists already; use `regscreen user passwd {name}` to change the password")
        con.execute("insert into users (username, role, password_hash, created_at, password_changed_at) "
                    "values (?, ?, ?, ?, ?)", [name, role, HASHER.hash(password), stamp, stamp])
    return User(name, role)


def list_users(path: Path) -> list[dict]:
    """Every account with its role, state and last successful login."""
    with connected(path) as con:
        rows = con.execute("select u.username, u.role, u.disabled, u.locked_until, u.created_at, "
                           "(select max(at) from logins l where l.username = u.username and l.ok) "
                           "from users u order by u.username").fetchall()
    keys = ("username", "role", "disabled", "locked_until", "created_at", "last_login")
    return [dict(zip(keys, row)) for row in rows]


def set_disabled(path: Path, username: str, disabled: bool) -> None:
    """Disable (or enable again) an account; a disabled account's sessions end at once."""
    name = checked_name(username)
    with connected(path) as con:
        if not con.execute("update users set disabled = ? where username = ?", [int(disabled), name]).rowcount:
            raise NotFound(f"no user {name}; see `regscreen user list`")
        if disabled:
            con.execute("delete from sessions where username = ?", [name])


def set_password(path: Path, username: str, password: str) -> None:
    """Change a password; it also lifts a lock-out and ends the user's sessions."""
    name, password = checked_name(username), checked_password(password)
    with connected(path) as con:
        changed = con.execute("update users set password_hash = ?, password_changed_at = ?, failed_logins = 0, "
                              "locked_until = null where username = ?", [HASHER.hash(password), now().isoformat(), name])
        if not changed.rowcount:
            raise NotFound(f"no user {name}; see `regscreen user list`")
        con.execute("delete from sessions where username = ?", [name])


def verified(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(path: Path, username: str, password: str, client: str | None = None) -> tuple[User | None, str]:
    """(the user, "ok") when the password is right and the account usable, else (None, why); every
    attempt is logged. The fifth failure in a row locks the account for 15 minutes."""
    name = unicodedata.normalize("NFC", username.strip())[:64]
    at = now()
    with connected(path) as con:
        row = con.execute("select role, password_hash, disabled, failed_logins, locked_until from users "
                          "where username = ?", [name]).fetchone()
        outcome, user = login_outcome(con, name, row, password, at)
        con.execute("insert into logins values (?, ?, ?, ?, ?)", [at.isoformat(), name, int(user is not None),
                                                                 outcome, client])
    return user, outcome


def login_outcome(con, name: str, row, password: str, at: datetime) -> tuple[str, User | None]:
    """Check one attempt and update the account's failure count and lock (inside the transaction)."""
    if row is None:
        verified(DUMMY_HASH, password)
        return "unknown user", None
    role, password_hash, disabled, failures, locked_until = row
    if locked_until and datetime.fromisoformat(locked_until) > at:
        return "locked", None
    if not verified(password_hash, password):
        failures = failures + 1
        lock = (at + timedelta(minutes=LOCK_MINUTES)).isoformat() if failures >= MAX_FAILURES else None
        con.execute("update users set failed_logins = ?, locked_until = ? where username = ?",
                    [0 if lock else failures, lock, name])
        return ("locked" if lock else "wrong password"), None
    if disabled:
        return "disabled", None
    con.execute("update users set failed_logins = 0, locked_until = null where username = ?", [name])
    if HASHER.check_needs_rehash(password_hash):
        con.execute("update users set password_hash = ? where username = ?", [HASHER.hash(password), name])
    return "ok", User(name, role)
