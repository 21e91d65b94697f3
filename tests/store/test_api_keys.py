"""API keys of the counter (screening.store.api_keys): shown once, stored as a hash, revocable."""

import hashlib

import pytest

from screening.errors import NotFound, UsageError
from screening.store.api_keys import KEY_SHAPE, add_key, list_keys, revoke, verify
from screening.store.counter_db import CounterDb


@pytest.fixture
def keys(tmp_path):
    db = CounterDb.beside(tmp_path / "store.duckdb")
    yield db
    db.close()


def test_a_key_is_stored_only_as_its_hash(keys):
    stored, secret = add_key(keys, "朝阳分局")
    assert KEY_SHAPE.match(secret) and secret.startswith(f"rsk_{stored.key_id}_")
    row = keys.rows("select * from api_keys")[0]
    assert row["key_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(row) and secret.split("_", 2)[2] not in str(row)
    keys.con.execute("pragma wal_checkpoint(truncate)")
    assert secret.encode() not in keys.path.read_bytes()
    assert all(secret not in str(key) for key in list_keys(keys))


@pytest.mark.parametrize("presented,why", [
    (None, "missing"),
    ("", "missing"),
    ("not-a-key", "malformed"),
    ("rsk_0000000g_" + "a" * 43, "malformed"),
])
def test_malformed_or_missing_keys_are_refused(keys, presented, why):
    add_key(keys, "朝阳分局")
    assert verify(keys, presented) == (None, why)


def test_a_wrong_secret_or_an_unknown_id_is_refused_and_a_right_one_admitted(keys):
    stored, secret = add_key(keys, "朝阳分局")
    assert verify(keys, secret) == (stored, "ok")
    wrong_secret = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert verify(keys, wrong_secret) == (None, "unknown")
    other_id = "ffffffff" if stored.key_id != "ffffffff" else "00000000"
    assert verify(keys, f"rsk_{other_id}_{secret.split('_', 2)[2]}") == (None, "unknown")


def test_revoking_by_id_or_by_name(keys):
    first, first_secret = add_key(keys, "朝阳分局")
    second, second_secret = add_key(keys, "朝阳分局")
    other, other_secret = add_key(keys, "海淀分局")
    assert [k.key_id for k in revoke(keys, first.key_id)] == [first.key_id]
    assert verify(keys, first_secret) == (None, "revoked")
    assert verify(keys, second_secret)[1] == "ok"
    assert [k.key_id for k in revoke(keys, "朝阳分局")] == [second.key_id]  # the active ones of that name
    assert verify(keys, second_secret) == (None, "revoked") and verify(keys, other_secret)[1] == "ok"
    listed = {k.key_id: k for k in list_keys(keys)}
    assert not listed[first.key_id].active and not listed[second.key_id].active and listed[other.key_id].active
    with pytest.raises(NotFound, match="no active API key"):
        revoke(keys, "朝阳分局")


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "朝阳\n分局"])
def test_a_key_needs_a_printable_name(keys, name):
    with pytest.raises(UsageError, match="name"):
        add_key(keys, name)
