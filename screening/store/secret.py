"""The store's secret: the key of the keyed hash that identifies a person by name and ID number
(:func:`screening.extract.persons.person_key`), so the store never holds an ID in clear.

It lives beside the store, never in it (``registry.duckdb`` → ``registry.duckdb.secret``): a copy of
the store or of its published snapshot carries no way back to the IDs. It is created on first use
with 32 random bytes, mode 0600, without following symlinks (:func:`screening.store.lock.open_private_file`),
and refused when it is not our own regular file or when group or others may read it. Losing it only
means that persons linked before cannot be matched with persons linked after; keep it with the store's
backups, apart from them.
"""

import os
from pathlib import Path
import secrets

from screening.errors import StoreError
from screening.store.lock import open_private_file

SECRET_BYTES = 32


def secret_path(db: Path) -> Path:
    """The secret file of a store."""
    return db.with_name(db.name + ".secret")


def store_secret(db: Path) -> bytes:
    """The store's secret, created when missing; StoreError naming the file when it cannot be trusted."""
    path = secret_path(db)
    descriptor = open_private_file(path)
    with os.fdopen(descriptor, "r+", encoding="ascii", errors="replace") as handle:
        mode = os.fstat(handle.fileno()).st_mode & 0o777
        if mode & 0o077:
            raise StoreError(f"{path}: the store's secret is readable by others (mode {mode:o}); "
                             f"run `chmod 600 {path}` and run again")
        text = handle.read().strip()
        if not text:  # just created (the run lock keeps a second writer out)
            text = secrets.token_hex(SECRET_BYTES)
            handle.write(text + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) != SECRET_BYTES:
        raise StoreError(f"{path}: is not a store secret ({SECRET_BYTES} bytes in hex); restore it from the store's "
                         "backup, or move it away to start a new one (persons linked before will not match)")
    return secret
