"""Commands of the analysts' workspace: ``serve`` (the web app) and ``user`` (its accounts).

Accounts live in ``<store>.accounts.sqlite`` beside the store (``registry.duckdb`` →
``registry.accounts.sqlite``): ``user add`` works while the server runs and while a nightly run holds
the store. A password is read from standard input: one line when it is not a terminal (a script, a
pipe), asked twice without echo when it is.
"""

from pathlib import Path
import sys

import click

from screening.cli import options
from screening.cli.options import db_option
from screening.errors import UsageError


def accounts_file(db: Path | None) -> Path:
    from screening.web.accounts import accounts_path

    return accounts_path(options.store_path(db))


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def read_password() -> str:
    """The new password: one line of stdin when it is not a terminal, else typed twice (no echo)."""
    if not stdin_is_terminal():
        line = sys.stdin.readline()
        if not line:
            raise UsageError("no password on standard input: pipe one line, e.g. `printf '%s\\n' \"$PW\" | regscreen user add …`")
        return line.rstrip("\r\n")
    first = click.prompt("密码 (password)", hide_input=True, err=True)
    if click.prompt("再输入一次 (again)", hide_input=True, err=True) != first:
        raise UsageError("the two passwords differ; nothing was changed")
    return first


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (keep 127.0.0.1 behind a reverse proxy with TLS; see README).")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
def serve(db: Path | None, host: str, port: int) -> None:
    """Serve the analysts' workspace (分析工作台): review queue, dossiers, decisions, hand-offs, runs; and the
    registration counter's applications check (POST /api/applications/check, bearer keys)."""
    import uvicorn

    from screening.web.app import create_app
    from screening.web.config import web_config

    config = web_config(options.settings(), db)
    click.echo(f"分析工作台: http://{host}:{port}/  (store {config.db}, accounts {config.accounts})", err=True)
    uvicorn.run(create_app(config, [counter_router(config.db)]), host=host, port=port, proxy_headers=True,
                forwarded_allow_ips="127.0.0.1", server_header=False, log_level="info")


def counter_router(db: Path):
    """The applications check of the registration counter, over the configured lists and the store ``db``."""
    from screening.intake.service import Counter
    from screening.web.applications_api import applications_router

    settings = options.settings()
    counter = Counter(options.load_screener().without_extended(), db, settings.intake_flush_seconds)
    return applications_router(counter, settings.intake_max_body_bytes)


@click.group()
def user() -> None:
    """Accounts of the workspace: add, list, disable, enable, passwd."""


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["viewer", "analyst", "supervisor"]),
              help="viewer reads; analyst also decides; supervisor also reopens decisions.")
@db_option
def add(name: str, role: str, db: Path | None) -> None:
    """Create the account NAME; the password is read from standard input."""
    from screening.web.accounts import add_user

    path = accounts_file(db)
    created = add_user(path, name, role, read_password())
    click.echo(f"user {created.username} added with role {created.role} ({path})")


@user.command("list")
@db_option
def list_(db: Path | None) -> None:
    """Every account with its role, state and last successful login."""
    from screening.web.accounts import list_users

    rows = list_users(accounts_file(db))
    for row in rows:
        state = "disabled" if row["disabled"] else (f"locked until {row['locked_until']}" if row["locked_until"] else "active")
        click.echo(f"{row['username']}\t{row['role']}\t{state}\tlast login {row['last_login'] or 'never'}")
    if not rows:
        click.echo("no users yet: create the first supervisor with `regscreen user add NAME --role supervisor`")


def state_command(name: str, disabled: bool, summary: str) -> click.Command:
    """``user disable`` / ``user enable``: the same command with the state it sets."""
    @click.argument("username", metavar="NAME")
    @db_option
    def command(username: str, db: Path | None) -> None:
        from screening.web.accounts import set_disabled

        set_disabled(accounts_file(db), username, disabled)
        click.echo(f"user {username} {name}d")
    command.__doc__ = summary
    return user.command(name)(command)


state_command("disable", True, "Disable the account NAME (its sessions end at once).")
state_command("enable", False, "Enable the account NAME again.")


@user.command("passwd")
@click.argument("name")
@db_option
def passwd(name: str, db: Path | None) -> None:
    """Set a new password for NAME (read from standard input); lifts a lock-out, ends the user's sessions."""
    from screening.web.accounts import set_password

    set_password(accounts_file(db), name, read_password())
    click.echo(f"password of {name} changed")


COMMANDS = (serve, user)
