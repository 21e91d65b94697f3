"""Commands of the counter (京政办发〔2016〕24号 三(一)): check applications, manage API keys, flush checks.

    regscreen apply --kind new --region 110105 --name "…" --scope "…"   # one application, one JSON line
    regscreen apply --file applications.csv                              # a batch, one line per application
    regscreen apikey add|list|revoke                                     # keys of the offices (HTTP API)
    regscreen checks flush                                               # journaled checks into the store now
"""

import getpass
from pathlib import Path
import sys

import click
import orjson

from screening.cli import options
from screening.cli.options import db_option

DECISION_NAMES = {"refuse": "暂停（不予办理）", "report": "可以办理，须报告（列入重点监管或延伸监管，告知金融管理部门）", "pass": "可以办理"}
EFFECT_NAMES = {"refuse": "暂停", "report": "关注", "none": "不计"}
LIST_NAMES = {"persons_of_interest": "延伸监管关注人员"}


def counter_screener():
    """The screener of the counter: the plans' lists only (the extended tier never decides an application)."""
    from screening.rules.screener import Screener

    settings = options.settings()
    return Screener.load(settings.keywords_dir, settings.registers_dir, extended=False)


def open_counter(db: Path | None):
    """The counter over the configured lists, recording into the store's journal."""
    from screening.intake.service import Counter

    return Counter(counter_screener(), options.store_path(db), options.settings().intake_flush_seconds)


def counter_db(db: Path | None):
    """The counter's side database of the store (API keys, journal)."""
    from screening.store.counter_db import CounterDb

    return CounterDb.beside(options.store_path(db))


def print_text(verdict: dict) -> None:
    """One answer for a clerk reading a terminal, in Chinese."""
    click.echo(f"决定：{DECISION_NAMES[verdict['decision']]}（{verdict['decision']}）")
    click.echo(f"说明：{verdict['summary']}")
    for reason in verdict["reasons"]:
        click.echo(f"  [{EFFECT_NAMES[reason['effect']]}] {reason['why']}  —— 名单 {LIST_NAMES.get(reason['list'], reason['list'])}")
    click.echo(f"记录编号：{verdict['check_id']}  时间：{verdict['checked_at']}")


def report_flush(counter) -> None:
    """Flush the journal when due; say on stderr when a run holds the store."""
    moved, why_not = counter.flush()
    if why_not:
        click.echo(f"regscreen: 检查已记入日志，待库空闲后并入（{why_not}）", err=True)
    elif moved:
        click.echo(f"regscreen: {moved} 条检查记录已并入库 application_checks", err=True)


def write_line(data: dict) -> None:
    """One JSON line on stdout."""
    sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_APPEND_NEWLINE))


@click.command("apply")
@click.option("--kind", type=click.Choice(["new", "change", "move_in"]), help="new: 设立; change: 变更; move_in: 迁入.")
@click.option("--region", help="The registering authority's GB/T 2260 code (110105).")
@click.option("--name", help="The name applied for (企业或个体户名称).")
@click.option("--scope", help="The business scope applied for (经营范围).")
@click.option("--previous-name", help="For a change: the name as registered now.")
@click.option("--previous-scope", help="For a change: the scope as registered now.")
@click.option("--approved", is_flag=True, help="For a move in: the move has been approved (经批准).")
@click.option("--legal-rep", "legal_reps", multiple=True,
              help="法定代表人 named in the application, with its ID number if known (张三(110105…)); repeatable.")
@click.option("--shareholder", "shareholders", multiple=True, help="股东 named in the application; repeatable.")
@click.option("--file", "batch", type=click.Path(path_type=Path),
              help="A batch: CSV (kind, region, name, scope, previous_name, previous_scope, approved, id) or JSON Lines.")
@click.option("--by", "asked_by", default=None, help="Who asks, recorded with each check (default: the login name).")
@click.option("--format", "output", type=click.Choice(["json", "text"]), default="json", show_default=True,
              help="json: one JSON line per application; text: the decision and reasons in Chinese (one application).")
@db_option
def apply_command(kind, region, name, scope, previous_name, previous_scope, approved, legal_reps, shareholders, batch,
                  asked_by, output, db):
    """Check an application at the counter: refuse (暂停), report (列入重点监管) or pass, with the reasons.

    Each check is journaled before it is answered and recorded in the store (v_application_checks)."""
    from screening.intake.application import parse_application
    from screening.intake.batch import read_batch
    from screening.intake.service import Asker

    single = (kind, region, name, scope, previous_name, previous_scope, legal_reps, shareholders)
    if batch and (any(single) or approved):
        options.fail("give either --file or one application's --kind/--region/--name/--scope, not both")
    if not batch and not kind:
        options.fail("give --kind and --region (and --name, --scope) of the application, or --file with a batch")
    asker = Asker(asked_by or getpass.getuser(), None, "cli")
    if batch:
        items = read_batch(batch)
        counter = open_counter(db)
        counts = {"refuse": 0, "report": 0, "pass": 0, "error": 0}
        for line in counter.ask_many(items, asker):
            counts[line.get("decision", "error")] += 1
            write_line(line)
        sys.stdout.buffer.flush()
        click.echo(f"regscreen: 共 {sum(counts.values())} 份申请：暂停 {counts['refuse']}，关注 {counts['report']}，"
                   f"通过 {counts['pass']}，有误 {counts['error']}", err=True)
    else:
        previous = {"name": previous_name, "scope": previous_scope} if previous_name or previous_scope else None
        application = parse_application({"kind": kind, "region": region, "name": name, "scope": scope,
                                         "previous": previous, "approved": approved,
                                         "legal_reps": list(legal_reps) or None, "shareholders": list(shareholders) or None})
        counter = open_counter(db)
        verdict = counter.ask(application, asker)
        if output == "text":
            print_text(verdict)
        else:
            write_line(verdict)
    report_flush(counter)
    counter.close()


@click.group()
def apikey() -> None:
    """API keys of the offices that ask the counter over HTTP (POST /api/applications/check)."""


@apikey.command("add")
@click.argument("name")
@db_option
def apikey_add(name: str, db: Path | None) -> None:
    """Make a key for NAME (an office or system); it is printed once, alone on the last line."""
    from screening.store.api_keys import add_key

    key, secret = add_key(counter_db(db), name)
    click.echo(f"已为「{key.name}」新建 API 密钥 {key.key_id}（只显示这一次，请妥善保存；库中只存其散列值）。")
    click.echo("请求时加请求头 Authorization: Bearer <密钥>。密钥：")
    click.echo(secret)


@apikey.command("list")
@db_option
def apikey_list(db: Path | None) -> None:
    """Every key: id, name, made, revoked (never the key itself)."""
    from screening.cli.report import print_query
    from screening.store.api_keys import list_keys

    rows = [(k.key_id, k.name, k.created_at, k.revoked_at or "", "有效" if k.active else "已吊销")
            for k in list_keys(counter_db(db))]
    print_query([(["key_id", "name", "created_at", "revoked_at", "状态"], rows)], as_csv=False, max_rows=None)


@apikey.command("revoke")
@click.argument("key_id_or_name")
@db_option
def apikey_revoke(key_id_or_name: str, db: Path | None) -> None:
    """Revoke the key KEY_ID, or every active key of the name; a revoked key gets 401."""
    from screening.store.api_keys import revoke

    for key in revoke(counter_db(db), key_id_or_name):
        click.echo(f"已吊销 API 密钥 {key.key_id}（{key.name}），吊销时间 {key.revoked_at}")


@click.group()
def checks() -> None:
    """The counter's record of checks (journal → the store's table application_checks)."""


@checks.command("flush")
@db_option
def checks_flush(db: Path | None) -> None:
    """Move the journaled checks into the store now (fails at once, exit 75, while a run holds it)."""
    from screening.store.applications import flush_checks, pending_state

    journal = counter_db(db)
    waiting, _ = pending_state(journal)
    moved = flush_checks(options.store_path(db), journal)
    click.echo(f"已并入 {moved} 条检查记录（日志中原有 {waiting} 条）")


COMMANDS = (apply_command, apikey, checks)
