"""The workspace tests' scenario: a store of a dozen firms across Shanghai, Beijing and Jiangsu (a P2P
platform on the abnormal-operations list, a Beijing firm moving in, a firm named with markup, names
masked at the source, two firms sharing a shareholder…), accounts of each role, and a real
``regscreen serve`` on a free loopback port. Shared by tests/web/*."""

from contextlib import contextmanager
from datetime import date
import os
from pathlib import Path
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

from argon2 import PasswordHasher
import pytest
from stdnum.cn import uscc

from conftest import write_csv
from screening.rules.screener import Screener
from screening.store.scan import scan
from screening.web import accounts
from screening.web.accounts import accounts_path, add_user

REGSCREEN = Path(sys.executable).with_name("regscreen")
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def code(base: str) -> str:
    return base + uscc.calc_check_digit(base)


P2P = code("91310115MA0000301")       # abnormal P2P platform: priority 1, 银监局
CROWD = code("91110108MA0000302")     # Beijing 众筹: 证监局
WEALTH = code("91320102MA0000303")    # Jiangsu 财富管理
TARGET = code("91310115MA0000304")    # Shanghai 投资管理: the firm the analyst confirms
EVIL = code("91310115MA0000305")      # a name with markup
HOLD = code("91110108MA0000306")      # Beijing 控股 moving in (迁入): hold
MASKED = code("91110105MA0000307")    # names masked at the source (王*): no related firms
SIBLING = code("91310115MA0000308")   # shares the shareholder 李四 with TARGET
PAY = code("91310115MA0000309")       # 支付: 人民银行
PLAIN = code("91310104MA0000310")     # never flagged
EVIL_NAME = '上海<script>alert("xss")</script>投资管理有限公司'

HEADER = ["企业名称", "统一社会信用代码", "经营范围", "住所", "登记状态", "经营异常", "法定代表人", "股东", "注册日期", "注册资金"]
ROWS = [
    ["上海丁网络借贷信息中介有限公司", P2P, "网络借贷信息中介服务", "上海市浦东新区", "存续", "是", "赵一", "", "2015-06-01", "1000(万元人民币)"],
    ["北京云众筹科技有限公司", CROWD, "股权众筹平台服务；技术开发", "北京市海淀区", "存续", "", "钱二", "", "2015-07-01", "500"],
    ["南京汇富财富管理有限公司", WEALTH, "投资理财咨询；第三方理财服务", "南京市玄武区", "存续", "", "孙三", "", "2014-01-01", "300"],
    ["上海乙投资管理有限公司", TARGET, "投资管理；资产管理", "上海市浦东新区", "存续", "", "周四", "李四", "2013-03-15", "2000(万元人民币)"],
    [EVIL_NAME, EVIL, "<b>投资咨询</b>；技术开发", "上海市浦东新区", "存续", "", "吴五", "", "2016-01-01", "10"],
    ["北京庚控股有限公司", HOLD, "技术开发", "北京市海淀区", "迁入", "", "郑六", "", "2016-02-01", "100"],
    ["北京人人贷商务顾问有限公司", MASKED, "金融信息服务", "北京市朝阳区", "存续", "", "王*", "李*、张*", "2012-05-05", "100"],
    ["上海丙理财顾问有限公司", SIBLING, "理财咨询", "上海市浦东新区", "存续", "", "李四", "", "2011-01-01", "50"],
    ["上海某支付科技有限公司", PAY, "第三方支付技术服务", "上海市浦东新区", "存续", "", "冯七", "", "2010-01-01", "100"],
    ["上海己科技有限公司", PLAIN, "技术开发；技术咨询", "上海市徐汇区", "存续", "", "陈八", "", "2009-01-01", "100"],
]
USERS = {"viewer": ("viewer1", "viewer-password"), "analyst": ("analyst1", "analyst-password"),
         "supervisor": ("boss1", "supervisor-password")}


@contextmanager
def cheap_hashing():
    """argon2 with the smallest cost while the block runs: tests make and check many passwords on a loaded
    2-core machine. The product's parameters are tested apart (tests/web/test_accounts.py)."""
    product = accounts.HASHER
    accounts.HASHER = CHEAP_HASHER
    try:
        yield
    finally:
        accounts.HASHER = product


def build_store(folder: Path, screener: Screener) -> Path:
    """The scenario's store (one run) with one account of each role beside it."""
    db = folder / "registry.duckdb"
    scan(write_csv(folder / "extract.csv", [HEADER] + ROWS), db, screener, as_of=date(2024, 3, 1))
    with cheap_hashing():
        for role, (name, password) in USERS.items():
            add_user(accounts_path(db), name, role, password)
    return db


@pytest.fixture(scope="module")
def built(tmp_path_factory, screener) -> Path:
    """The folder of a scenario built once for a test module (copy it with :func:`copied` to write)."""
    return build_store(tmp_path_factory.mktemp("scenario"), screener).parent


def copied(template: Path, folder: Path) -> Path:
    """A copy of a built scenario (store, snapshot, accounts) in ``folder``, times kept so that the snapshot
    is still current: building it once per module and copying it per test spares the scan and argon2."""
    for path in template.iterdir():
        shutil.copy2(path, folder / path.name)
    return folder / "registry.duckdb"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(db: Path, **environment: str):
    """``regscreen serve`` on 127.0.0.1 and a free port, in its own process; yields its base URL."""
    port = free_port()
    env = os.environ | {"REGSCREEN_WEB_LOCK_WAIT_SECONDS": "1"} | environment
    server = subprocess.Popen([str(REGSCREEN), "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_up(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"regscreen serve exited {server.returncode}: {server.stdout.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(base + "/login", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"regscreen serve did not answer on {base} within {seconds} s")
