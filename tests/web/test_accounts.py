"""Accounts of the workspace (screening.web.accounts, screening.web.sessions) and `regscreen user …`."""

from contextlib import closing
from datetime import datetime, timedelta
import sqlite3
import subprocess

from argon2 import PasswordHasher
from click.testing import CliRunner
import pytest

import screening.cli as cli
from screening.cli import web_commands
from screening.errors import NotFound, UsageError
from screening.web import accounts, sessions
from screening.web.accounts import accounts_path, add_user, authenticate, list_users, set_disabled, set_password
from web_scenario import REGSCREEN, cheap_hashing


@pytest.fixture
def path(tmp_path):
    return accounts_path(tmp_path / "registry.duckdb")


@pytest.fixture(autouse=True)
def cheap_argon2():
    with cheap_hashing():
        yield


@pytest.fixture
def product_hashing(monkeypatch):
    """The product's argon2 parameters (argon2-cffi's defaults, RFC 9106's low-memory choice)."""
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher())


def rows(path, sql, params=()):
    with closing(sqlite3.connect(path)) as con:
        return con.execute(sql, params).fetchall()


def test_the_accounts_file_is_beside_the_store_not_in_it(tmp_path):
    assert accounts_path(tmp_path / "registry.duckdb") == tmp_path / "registry.accounts.sqlite"
    assert accounts_path(tmp_path / "nightly.2024.duckdb") == tmp_path / "nightly.2024.accounts.sqlite"


def test_passwords_are_stored_with_argon2id_only(path, product_hashing):
    add_user(path, "analyst1", "analyst", "correct horse battery")
    (stored,) = rows(path, "select password_hash from users")[0]
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and "correct horse" not in stored


def test_a_weaker_hash_is_replaced_at_the_next_login(path, monkeypatch):
    add_user(path, "analyst1", "analyst", "correct horse battery")
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher())
    assert rows(path, "select password_hash from users")[0][0].startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert authenticate(path, "analyst1", "correct horse battery")[1] == "ok"
    assert rows(path, "select password_hash from users")[0][0].startswith("$argon2id$v=19$m=65536,t=3,p=4$")


@pytest.mark.parametrize("name, role, password, message", [
    ("analyst1", "admin", "long-enough-pw", "role must be one of"),
    ("analyst1", "analyst", "short", "at least 8"),
    ("analyst1", "analyst", " padded-password ", "spaces"),
    ("analyst1", "analyst", "tab\tin-password", "control characters"),
    ("", "analyst", "long-enough-pw", "user name"),
    ("two words", "analyst", "long-enough-pw", "user name"),
    ("evil<script>", "analyst", "long-enough-pw", "user name"),
    ("x" * 65, "analyst", "long-enough-pw", "user name"),
])
def test_bad_accounts_are_refused(path, name, role, password, message):
    with pytest.raises(UsageError, match=message):
        add_user(path, name, role, password)
    assert not path.exists() or rows(path, "select count(*) from users") == [(0,)]


def test_a_name_is_taken_once_and_chinese_names_are_fine(path):
    add_user(path, "张三", "viewer", "long-enough-pw")
    with pytest.raises(UsageError, match="exists already"):
        add_user(path, "张三", "supervisor", "another-password")
    assert [(u["username"], u["role"]) for u in list_users(path)] == [("张三", "viewer")]


@pytest.mark.parametrize("role, allowed", [
    ("viewer", ["viewer"]), ("analyst", ["viewer", "analyst"]), ("supervisor", ["viewer", "analyst", "supervisor"])])
def test_roles_are_ordered(role, allowed):
    user = accounts.User("x", role)
    assert [r for r in accounts.ROLES if user.can(r)] == allowed


def test_the_fifth_failure_locks_for_15_minutes_and_then_it_opens(path, monkeypatch):
    add_user(path, "analyst1", "analyst", "right-password")
    clock = [datetime(2026, 1, 5, 9, 0, 0)]
    monkeypatch.setattr(accounts, "now", lambda: clock[0])
    outcomes = [authenticate(path, "analyst1", "wrong")[1] for _ in range(5)]
    assert outcomes == ["wrong password"] * 4 + ["locked"]
    clock[0] += timedelta(minutes=14, seconds=59)
    assert authenticate(path, "analyst1", "right-password") == (None, "locked")
    clock[0] += timedelta(seconds=1)
    user, outcome = authenticate(path, "analyst1", "right-password")
    assert outcome == "ok" and user.username == "analyst1"
    assert rows(path, "select failed_logins, locked_until from users") == [(0, None)]


def test_a_success_resets_the_count_of_failures(path):
    add_user(path, "analyst1", "analyst", "right-password")
    for _ in range(4):
        authenticate(path, "analyst1", "wrong")
    assert authenticate(path, "analyst1", "right-password")[1] == "ok"
    assert [authenticate(path, "analyst1", "wrong")[1] for _ in range(4)] == ["wrong password"] * 4


def test_every_attempt_is_logged_with_its_outcome_and_client(path):
    add_user(path, "analyst1", "analyst", "right-password")
    authenticate(path, "analyst1", "right-password", "127.0.0.1")
    authenticate(path, "nobody", "x", "127.0.0.2")
    set_disabled(path, "analyst1", True)
    authenticate(path, "analyst1", "right-password", "127.0.0.1")
    assert [r[1:] for r in rows(path, "select at, username, ok, outcome, client from logins order by rowid")] == [
        ("analyst1", 1, "ok", "127.0.0.1"), ("nobody", 0, "unknown user", "127.0.0.2"),
        ("analyst1", 0, "disabled", "127.0.0.1")]


def test_disabling_and_a_new_password_end_sessions(path):
    user = add_user(path, "analyst1", "analyst", "right-password")
    idle = timedelta(hours=1)
    token, _ = sessions.start(path, user, timedelta(hours=12))
    assert sessions.find(path, token, idle).user == user
    set_disabled(path, "analyst1", True)
    assert sessions.find(path, token, idle) is None
    set_disabled(path, "analyst1", False)
    token, _ = sessions.start(path, user, timedelta(hours=12))
    set_password(path, "analyst1", "a-new-password")
    assert sessions.find(path, token, idle) is None
    assert authenticate(path, "analyst1", "right-password")[1] == "wrong password"
    assert authenticate(path, "analyst1", "a-new-password")[1] == "ok"
    with pytest.raises(NotFound):
        set_password(path, "nobody", "a-new-password")


def test_sessions_expire_and_go_idle(path, monkeypatch):
    user = add_user(path, "analyst1", "analyst", "right-password")
    clock = [datetime(2026, 1, 5, 9, 0, 0)]
    monkeypatch.setattr(sessions, "now", lambda: clock[0])
    token, session = sessions.start(path, user, timedelta(hours=2))
    assert rows(path, "select token_hash from sessions") == [(sessions.token_hash(token),)]  # the token is not kept
    clock[0] += timedelta(minutes=50)
    assert sessions.find(path, token, timedelta(hours=1)).csrf_token == session.csrf_token
    clock[0] += timedelta(minutes=61)
    assert sessions.find(path, token, timedelta(hours=1)) is None  # idle for more than an hour
    token, _ = sessions.start(path, user, timedelta(hours=2))
    for _ in range(5):
        clock[0] += timedelta(minutes=30)
        found = sessions.find(path, token, timedelta(hours=1))
    assert found is None  # used every half hour, but older than its two hours
    assert sessions.find(path, None, timedelta(hours=1)) is None and sessions.find(path, "x" * 300, timedelta(hours=1)) is None


# ---------------------------------------------------------------- regscreen user …

def test_cli_user_add_reads_one_line_from_a_pipe(tmp_path):
    db = tmp_path / "registry.duckdb"
    result = run_with_input(["user", "add", "boss1", "--role", "supervisor", "--db", db], "first-password\n")
    assert result.exit_code == 0, result.output
    assert "user boss1 added with role supervisor" in result.output
    assert authenticate(accounts_path(db), "boss1", "first-password")[1] == "ok"


def test_cli_user_add_asks_twice_on_a_terminal(monkeypatch, tmp_path, run):
    db = tmp_path / "registry.duckdb"
    monkeypatch.setattr(web_commands, "stdin_is_terminal", lambda: True)
    answers = iter(["typed-password", "typed-password", "one-password", "another-password"])
    monkeypatch.setattr("click.prompt", lambda *args, **kwargs: next(answers))
    assert run("user", "add", "analyst1", "--role", "analyst", "--db", db).exit_code == 0
    result = run("user", "add", "analyst2", "--role", "analyst", "--db", db)
    assert result.exit_code == 2 and "differ" in result.output
    assert [u["username"] for u in list_users(accounts_path(db))] == ["analyst1"]


def run_with_input(args, text):
    return CliRunner().invoke(cli.main, [str(a) for a in args], input=text)


@pytest.mark.parametrize("args, stdin, message", [
    (["user", "add", "x1", "--role", "analyst"], "", "no password on standard input"),
    (["user", "add", "x1", "--role", "analyst"], "short\n", "at least 8"),
    (["user", "add", "x1", "--role", "root"], "long-enough\n", "root"),
    (["user", "disable", "nobody"], "", "no user nobody"),
    (["user", "passwd", "nobody"], "long-enough\n", "no user nobody"),
])
def test_cli_user_errors_are_one_line_with_exit_2(tmp_path, args, stdin, message):
    result = run_with_input(args + ["--db", tmp_path / "registry.duckdb"], stdin)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_the_installed_command_manages_accounts_end_to_end(tmp_path):
    """The real `regscreen` with a pipe: add, list, passwd (lifts a lock), disable."""
    db = tmp_path / "registry.duckdb"

    def regscreen(*args, stdin=""):
        return subprocess.run([str(REGSCREEN), "user", *args, "--db", str(db)], input=stdin, capture_output=True,
                              text=True, timeout=120)
    assert regscreen("add", "boss1", "--role", "supervisor", stdin="first-password\n").returncode == 0
    assert regscreen("add", "viewer1", "--role", "viewer", stdin="viewer-password\n").returncode == 0
    for _ in range(5):
        authenticate(accounts_path(db), "viewer1", "wrong")
    listed = regscreen("list").stdout.splitlines()
    assert listed[0].startswith("boss1\tsupervisor\tactive") and listed[1].startswith("viewer1\tviewer\tlocked until")
    assert regscreen("passwd", "viewer1", stdin="second-password\n").returncode == 0
    assert authenticate(accounts_path(db), "viewer1", "second-password")[1] == "ok"
    assert regscreen("disable", "viewer1").returncode == 0
    assert "viewer1\tviewer\tdisabled" in regscreen("list").stdout
    assert authenticate(accounts_path(db), "viewer1", "second-password")[1] == "disabled"
