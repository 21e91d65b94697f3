"""No ID number in clear in the store (screening/store/persons.py, secret.py): person keys are a keyed
hash with a secret kept beside the store, the stored cells are masked, older stores are migrated."""

from datetime import date
import os
import re

import duckdb
import pytest
from stdnum.cn import uscc

from conftest import query, write_csv
from screening.errors import StoreError
from screening.extract.persons import Person, person_key
from screening.store.database import open_store
from screening.store.publish import snapshot_path
from screening.store.scan import scan
from screening.store.secret import secret_path, store_secret


def code(n: int) -> str:
    base = f"91310115MA{n:07d}"
    return base + uscc.calc_check_digit(base)


ID = "11010519491231002X"
OLD = "110105491231002"  # the same person's first-generation card
WRONG = "110105194912310021"
NEW_COUNTY = "310115198808084569"
FULL = ID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
HEADER = ["企业名称", "统一社会信用代码", "经营范围", "住所", "法定代表人", "股东"]
ROWS = [
    ["上海甲投资管理有限公司", code(1), "投资管理", "上海市", f"张三({ID})", f"李四{WRONG}、王五"],
    ["上海乙理财顾问有限公司", code(2), "理财咨询", "上海市", f"张三{OLD}", f"赵六 身份证号：{NEW_COUNTY}"],
    ["上海丙金融信息服务有限公司", code(3), "金融信息服务", "上海市", f"张三（{FULL}）", "李四 110105 19491231 0021"],
    [f"上海市浦东新区金融信息服务部（经营者{NEW_COUNTY[:6]}{NEW_COUNTY[8:17]}）", code(4), f"联系人证件{ID}", f"住所{WRONG}",
     "钱七", ""],
    ["", code(5), "技术开发", f"经营者身份证{ID}", f"孙八({ID})", ""],  # rejected: no name; its raw row keeps the ID
]
IN_CLEAR = [ID, WRONG, NEW_COUNTY, "491231002", "1949123100", FULL[6:14]]


@pytest.fixture
def store(tmp_path, screener):
    db = tmp_path / "registry.duckdb"
    scan(write_csv(tmp_path / "one.csv", [HEADER, *ROWS]), db, screener, as_of=date(2024, 3, 1))
    return db


def every_text(db) -> str:
    """Every text value of every table and view of a store file and its ledgers, as one string."""
    con = open_store(db)
    try:
        names = con.execute("select database_name, table_name from duckdb_tables() union all "
                            "select database_name, view_name from duckdb_views() where not internal").fetchall()
        return "\n".join(repr(con.execute(f'select * from "{database}"."{name}"').fetchall())  # noqa: S608
                         for database, name in names)
    finally:
        con.close()


def test_no_table_or_view_holds_an_id_in_clear(store):
    assert query(store, "select count(*) from rejects") == [(1,)]
    for path in (store, snapshot_path(store)):
        text = re.sub(r"[\s\u200b-]", "", every_text(path))
        for number in IN_CLEAR:
            assert number not in text, (path.name, number)
    assert "110105********002X" in every_text(store)


def test_one_person_one_key_whatever_the_form(store):
    keys = dict(query(store, "select credit_code || role, person_key from person_links"))
    secret = store_secret(store)
    zhang = person_key(Person("", "张三", ID), secret)
    assert keys[code(1) + "legal_rep"] == keys[code(2) + "legal_rep"] == keys[code(3) + "legal_rep"] == zhang
    assert zhang.startswith("张三|110105********002X|") and ID not in zhang
    lisi = {k for c, k in query(store, "select credit_code, person_key from person_links where person_name like '李四%'")}
    assert len(lisi) == 1  # the same mistyped ID, once straight after the name, once split by spaces
    rows = query(store, "select person_name, links_of_person from v_person_links where person_name like '张三%'")
    assert rows == [("张三(110105********002X)", 3)] * 3


def test_the_secret_lies_beside_the_store_private(store):
    path = secret_path(store)
    assert path.parent == store.parent and path.stat().st_mode & 0o777 == 0o600
    assert len(bytes.fromhex(path.read_text().strip())) == 32
    assert path.read_text().strip() not in every_text(store)
    other = person_key(Person("", "张三", ID), b"\0" * 32)
    assert other != person_key(Person("", "张三", ID), store_secret(store))  # keyed: another store, other keys


@pytest.mark.parametrize("spoil", ["group-readable", "symlink", "not-a-secret"])
def test_an_untrustworthy_secret_is_refused(tmp_path, screener, spoil):
    db = tmp_path / "registry.duckdb"
    path = secret_path(db)
    if spoil == "group-readable":
        path.write_text("00" * 32)
        path.chmod(0o640)
        says = "readable by others (mode 640); run `chmod 600"
    elif spoil == "symlink":
        (tmp_path / "elsewhere").write_text("00" * 32)
        path.symlink_to(tmp_path / "elsewhere")
        says = "a symbolic link"
    else:
        path.write_text("not hex")
        path.chmod(0o600)
        says = "is not a store secret"
    with pytest.raises(StoreError, match=re.escape(says)):
        scan(write_csv(tmp_path / "one.csv", [HEADER, *ROWS]), db, screener, as_of=date(2024, 3, 1))
    assert not query(db, "select count(*) from information_schema.tables where table_name = 'runs'")[0][0] or \
        query(db, "select count(*) from runs") == [(0,)]


def test_an_older_store_is_migrated_by_the_next_run(store, tmp_path, screener):
    con = duckdb.connect(str(store))
    con.execute("update person_links set person_key = '张三|' || ? where person_name like '张三%'", [ID])
    con.execute("update firms set legal_rep = '张三(' || ? || ')' where credit_code = ?", [ID, code(1)])
    con.execute("update rejects set raw = raw || ?", [ID])
    con.execute("delete from store_migrations")
    con.close()
    assert ID in every_text(store)
    scan(write_csv(tmp_path / "two.csv", [HEADER, ["上海丁科技有限公司", code(9), "技术开发", "上海市", "周九", ""]]),
         store, screener, as_of=date(2024, 3, 2))
    assert ID not in every_text(store)
    keys = {k for (k,) in query(store, "select person_key from person_links where person_name like '张三%'")}
    assert keys == {person_key(Person("", "张三", ID), store_secret(store))}
    assert query(store, "select count(*) from store_migrations") == [(1,)]
