"""CSV records with raw text and problems: screening.extract.csv_records."""

import csv
import io

import pytest

from conftest import write_csv
from screening.extract.csv_records import csv_rows
from screening.errors import ExtractError

HEADER = ["企业名称", "统一社会信用代码", "经营范围", "住所"]
ROWS = [
    ["北京网贷信息服务有限公司", "91110108MA0000000A", "网络借贷信息中介服务；投资管理", "北京市海淀区中关村大街1号"],
    ["湖州市环城经济区供销合作社", "91330502147047786X", "农业生产资料、农副产品购销(除烟叶、蚕茧)", "浙江省湖州市二里桥路36-38号"],
    ["温州市京龙房地产开发有限公司", "9133030014506614XK", "房地产开发，经营，物业管理。", "浙江省温州市车站大道17-1＃京华大厦"],
]

# The header and line 36 of zhejiang_1992_excerpt_malformed.csv: an unescaped quote ("") inside a
# quoted field swallows the next field, and an unquoted "5,000" splits in two: 9 fields for 10 columns.
MALFORMED_HEADER = "企业名称,统一社会信用代码,注册日期,企业类型,法人代表,注册资金,经营范围,所在省份,地区,注册地址"
MALFORMED_LINE = ('杭州金马房地产有限公司,91330100609167281F,1992-10-22,5,000(万美元),'
                  '"游乐配套设施(国家禁止或限制的项目除外)的建设经营"","程*",杭州西湖之江旅游度假区,N/A,"杭州"')
GOOD_LINES = [
    "玉环民主制冷实业有限公司,91331021148371406H,1992-10-22,N/A,骆*,288(万),制冷设备用压缩机及配件、气体冷凝器制造。,浙江,台州,玉环市坎门街道里澳工业区",
    "湖州市环城经济区供销合作社,91330502147047786X,1992-10-22,集体所有制,徐*,201.96万人民币,农业生产资料,浙江,湖州,浙江省湖州市二里桥路36-38号",
    "温州市京龙房地产开发有限公司,9133030014506614XK,1992-10-22,N/A,钟*,500(万元人民币),房地产开发，经营，物业管理。,浙江,温州,浙江省温州市车站大道17-1＃京华大厦",
    '宁波市水产养殖生化制品公司,91330200254086529U,1992-10-21,N/A,林*,"1,269(万元人民币)",主营：观赏鱼类,浙江,宁波,宁波市海曙区中山西路670号',
]


def rows_of(path):
    return list(csv_rows(path))


def test_malformed_line_really_parses_to_the_wrong_width():
    """The fixture line reproduces the real defect (guards the other tests' premise)."""
    assert len(next(csv.reader(io.StringIO(MALFORMED_LINE)))) == 9
    assert len(MALFORMED_HEADER.split(",")) == 10


@pytest.mark.parametrize(
    ("encoding", "newline"),
    [
        ("utf-8", "\n"),
        ("utf-8-sig", "\n"),
        ("gb18030", "\n"),
        ("gbk", "\n"),
        ("utf-8", "\r\n"),
        ("utf-8-sig", "\r\n"),
        ("gb18030", "\r\n"),
        ("utf-8", "\r"),
    ],
)
def test_same_records_whatever_encoding_and_line_ending(tmp_path, encoding, newline):
    path = write_csv(tmp_path / "extract.csv", [HEADER, *ROWS], encoding=encoding, newline=newline)
    got = rows_of(path)
    assert [row["record"] for row in got] == [1, 2, 3]
    assert [[row["name"], row["credit_code"], row["scope"], row["address"]] for row in got] == ROWS
    assert [row["raw"] for row in got] == [",".join(row) for row in ROWS]
    assert [row["problem"] for row in got] == [None, None, None]


def test_mixed_line_endings(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes("名称,经营范围\r\n甲公司,投资\n乙公司,咨询\r丙公司,贸易\r\n丁公司,零售".encode())
    got = rows_of(path)
    assert [(row["record"], row["name"], row["scope"], row["raw"], row["problem"]) for row in got] == [
        (1, "甲公司", "投资", "甲公司,投资", None),
        (2, "乙公司", "咨询", "乙公司,咨询", None),
        (3, "丙公司", "贸易", "丙公司,贸易", None),
        (4, "丁公司", "零售", "丁公司,零售", None),
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_quoted_field_with_embedded_newline_is_one_record(tmp_path, newline):
    rows = [["名称", "经营范围"], ["甲公司", f"投资管理{newline}资产管理"], ["乙公司", "咨询"], ["丙公司"]]
    path = write_csv(tmp_path / "extract.csv", rows, newline=newline)
    got = rows_of(path)
    assert [row["record"] for row in got] == [1, 2, 3]
    assert got[0]["scope"] == f"投资管理{newline}资产管理"
    assert got[0]["raw"] == f'甲公司,"投资管理{newline}资产管理"'
    assert got[0]["problem"] is None
    assert got[1]["name"] == "乙公司" and got[1]["problem"] is None
    # the ragged row is on physical line 5 (header 1, record one on lines 2-3, record two on 4)
    assert "line 5" in got[2]["problem"]


def test_badly_quoted_record_is_kept_with_its_line_and_raw_text(tmp_path):
    lines = [MALFORMED_HEADER, *GOOD_LINES[:2], MALFORMED_LINE, *GOOD_LINES[2:]]
    path = tmp_path / "extract.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    got = rows_of(path)
    assert [row["record"] for row in got] == [1, 2, 3, 4, 5]
    bad = got[2]
    assert bad["raw"] == MALFORMED_LINE
    assert bad["problem"].startswith("malformed record at line 4:")
    assert "9 fields" in bad["problem"] and "10" in bad["problem"]
    assert bad["name"] == "杭州金马房地产有限公司"
    assert [row["problem"] for row in got if row is not bad] == [None] * 4
    assert [row["name"] for row in got[3:]] == ["温州市京龙房地产开发有限公司", "宁波市水产养殖生化制品公司"]
    assert got[4]["capital"] == "1,269(万元人民币)"
    assert [row["raw"] for row in got if row is not bad] == GOOD_LINES


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ("甲公司", 1),
        ("甲公司,91110108MA0000000A", 2),
        ("甲公司,91110108MA0000000A,投资,北京,多余", 5),
        ("甲公司,91110108MA0000000A,投资,北京,多余,又多", 6),
    ],
    ids=["one-field", "two-fields", "one-extra", "two-extra"],
)
def test_ragged_record_is_a_problem_naming_the_line(tmp_path, line, fields):
    path = tmp_path / "extract.csv"
    text = "\n".join([",".join(HEADER), ",".join(ROWS[0]), line, ",".join(ROWS[1])]) + "\n"
    path.write_bytes(text.encode("utf-8"))
    got = rows_of(path)
    assert [row["record"] for row in got] == [1, 2, 3]
    assert got[1]["raw"] == line
    assert got[1]["problem"] == (f"malformed record at line 3: {fields} fields, the header has 4;"
                                 " check the quotes in this line")
    assert got[1]["name"] == "甲公司"
    assert got[0]["problem"] is None and got[2]["problem"] is None
    assert got[2]["name"] == ROWS[1][0]


def test_ragged_short_record_leaves_missing_columns_none(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes("名称,信用代码,经营范围\n甲公司\n".encode())
    (row,) = rows_of(path)
    assert (row["name"], row["credit_code"], row["scope"]) == ("甲公司", None, None)


def test_nul_byte_is_a_problem_and_reading_goes_on(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes("名称,经营范围\n甲公司,投资\n乙\x00公司,咨询\n丙公司,贸易\n".encode())
    got = rows_of(path)
    assert [row["record"] for row in got] == [1, 2, 3]
    assert got[1]["problem"] == "NUL byte in the record at line 3; the file is damaged there"
    assert got[1]["raw"] == "乙\x00公司,咨询"
    assert [got[0]["problem"], got[2]["problem"]] == [None, None]
    assert got[2]["name"] == "丙公司"


def test_undecodable_bytes_are_a_problem_naming_the_line(tmp_path):
    path = tmp_path / "extract.csv"
    body = "名称,经营范围\n甲公司,投资\n".encode("gb18030") + b"\xff\xff,x\n" + "丙公司,贸易\n".encode("gb18030")
    path.write_bytes(body)
    got = rows_of(path)
    assert [row["record"] for row in got] == [1, 2, 3]
    assert got[1]["problem"].startswith("undecodable bytes at line 3 (file read as gb18030)")
    assert got[0]["name"] == "甲公司" and got[2]["name"] == "丙公司"
    assert [got[0]["problem"], got[2]["problem"]] == [None, None]


@pytest.mark.parametrize("data", [b"", "\ufeff".encode("utf-8")], ids=["empty", "bom-only"])
def test_empty_file_raises_naming_the_file(tmp_path, data):
    path = tmp_path / "empty.csv"
    path.write_bytes(data)
    with pytest.raises(ExtractError, match="empty file") as raised:
        rows_of(path)
    assert str(path) in str(raised.value)


def test_file_without_name_column_raises(tmp_path):
    path = write_csv(tmp_path / "noname.csv", [["统一社会信用代码", "经营范围"], ["91110108MA0000000A", "投资"]])
    with pytest.raises(ExtractError, match="no column for 'name'") as raised:
        rows_of(path)
    assert str(path) in str(raised.value)


@pytest.mark.parametrize(
    "text",
    ["企业名称,经营范围", "企业名称,经营范围\n", "企业名称,经营范围\r\n", "企业名称,经营范围\n\n\n", "\ufeff企业名称,经营范围\n"],
)
def test_header_only_file_yields_no_records(tmp_path, text):
    path = tmp_path / "extract.csv"
    path.write_bytes(text.encode("utf-8"))
    assert rows_of(path) == []


def test_record_numbers_are_one_based_and_count_data_records_only(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes("名称,经营范围\n\n甲公司,投资\n\n\n乙公司,咨询\n丙公司\n丁公司,零售\n\n".encode())
    got = rows_of(path)
    assert [(row["record"], row["name"]) for row in got] == [(1, "甲公司"), (2, "乙公司"), (3, "丙公司"), (4, "丁公司")]
    # the problem still names the physical line (blank lines counted there)
    assert "line 7" in got[2]["problem"]


def test_only_mapped_columns_and_bookkeeping_keys(tmp_path):
    path = write_csv(tmp_path / "extract.csv", [["序号", "企业名称", "备注"], ["1", "甲公司", "无"]])
    (row,) = rows_of(path)
    assert row == {"record": 1, "name": "甲公司", "raw": "1,甲公司,无", "problem": None}


C1, C2, C3, C4 = "91110108MA0000000A", "91330502147047786X", "9133030014506614XK", "91330200254086529U"
RUNS_ON = "unbalanced quote at line"


@pytest.mark.parametrize(
    ("header", "lines", "expected"),
    [
        # a quote opened and never closed: the csv module reads the rest of the file as one field
        ("名称,信用代码,住所", [f"甲公司,{C1},\"北京", f"乙公司,{C2},上海", f"丙公司,{C3},杭州"],
         [("甲公司", f"{RUNS_ON} 2"), ("乙公司", None), ("丙公司", None)]),
        # opened and closed two lines down: the widths add up, so without the check it loads silently
        ("名称,信用代码,住所", [f"甲公司,{C1},\"北京", f"乙公司,{C2},上海", f"丙公司,{C3},杭州\"", f"丁公司,{C4},宁波"],
         [("甲公司", f"{RUNS_ON} 2"), ("乙公司", None), ("丙公司", f"{RUNS_ON} 4"), ("丁公司", None)]),
        # no credit code column: a later line of the header's width is enough
        ("名称,经营范围,住所", ["甲公司,\"投资,北京", "乙公司,咨询,上海", "丙公司,贸易,杭州"],
         [("甲公司", f"{RUNS_ON} 2"), ("乙公司", None), ("丙公司", None)]),
        # must not split: a real line break inside a quoted field
        ("名称,信用代码,住所", [f"甲公司,{C1},\"北京市\n海淀区\"", f"乙公司,{C2},上海"], [("甲公司", None), ("乙公司", None)]),
        # must not split: the later line has the header's width but no credit code where one belongs
        ("名称,信用代码,经营范围", [f"甲公司,{C1},\"投资管理\n批发,零售,咨询\"", f"乙公司,{C2},咨询"],
         [("甲公司", None), ("乙公司", None)]),
    ],
    ids=["never-closed", "closed-later", "no-code-column", "real-line-break", "line-break-with-commas"],
)
def test_stray_quote_that_runs_on_is_read_line_by_line(tmp_path, header, lines, expected):
    path = tmp_path / "extract.csv"
    path.write_bytes(("\n".join([header, *lines]) + "\n").encode("utf-8"))
    got = rows_of(path)
    assert [(row["name"], row["problem"] and row["problem"][:len(RUNS_ON) + 2]) for row in got] == expected
    assert [row["record"] for row in got] == list(range(1, len(expected) + 1))
    physical = "\n".join(lines).split("\n")
    if len(got) == len(physical):  # read line by line: every line is one record's raw text
        assert [row["raw"] for row in got] == physical


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('甲公司,"投资"管理",北京', "badly quoted field at line 2"),
        ('甲公司,"投资"  ,北京', "badly quoted field at line 2"),
        # must not trigger: doubled quotes, a quote inside an unquoted field, quoted fields
        ('甲公司,"投资""管理""",北京', None),
        ('甲公司,投资"管理,北京', None),
        ('"甲公司","投资,管理","北京"', None),
    ],
    ids=["lone-quote-in-quoted-field", "text-after-closing-quote", "doubled", "quote-in-bare-field", "all-quoted"],
)
def test_lone_quote_in_a_quoted_field_is_a_problem(tmp_path, line, problem):
    path = tmp_path / "extract.csv"
    path.write_bytes(f"名称,经营范围,住所\n{line}\n乙公司,咨询,上海\n".encode())
    got = rows_of(path)
    assert len(got) == 2 and got[1]["problem"] is None
    assert (got[0]["problem"] or "")[:len(problem or "")] == (problem or "")
    assert (got[0]["problem"] is None) is (problem is None)
