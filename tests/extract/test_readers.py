"""Extract files to uniform chunks: screening.extract.readers."""

import polars as pl
import pytest

from conftest import write_csv
from screening.errors import ExtractError
from screening.extract.headers import CANONICAL
from screening.extract.readers import SCHEMA, header_block, read_extract

HEADER = ["企业名称", "统一社会信用代码", "经营范围", "住所"]
ROWS = [
    ["北京网贷信息服务有限公司", "91110108MA0000000A", "网络借贷信息中介服务；投资管理", "北京市海淀区中关村大街1号"],
    ["湖州市环城经济区供销合作社", "91330502147047786X", "农业生产资料、农副产品购销", "浙江省湖州市二里桥路36-38号"],
    ["温州市京龙房地产开发有限公司", "9133030014506614XK", "房地产开发，经营，物业管理。", "浙江省温州市车站大道17-1＃京华大厦"],
]
NAMES = [row[0] for row in ROWS]


def read_all(path, chunk_rows=50_000) -> pl.DataFrame:
    chunks = list(read_extract(path, chunk_rows))
    for chunk in chunks:
        assert chunk.schema == pl.Schema(SCHEMA)
    return pl.concat(chunks) if chunks else pl.DataFrame(schema=SCHEMA)


def test_schema_is_record_every_canonical_column_raw_problem():
    assert list(SCHEMA) == ["record", *CANONICAL, "raw", "problem"]
    assert all(dtype == pl.Utf8 for name, dtype in SCHEMA.items() if name != "record")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_csv_in_any_encoding_gives_the_same_chunk(tmp_path, encoding, newline):
    path = write_csv(tmp_path / "extract.csv", [HEADER, *ROWS], encoding=encoding, newline=newline)
    frame = read_all(path)
    assert frame["record"].to_list() == [1, 2, 3]
    assert frame.select("name", "credit_code", "scope", "address").rows() == [tuple(row) for row in ROWS]
    assert frame["raw"].to_list() == [",".join(row) for row in ROWS]
    assert frame["problem"].null_count() == 3
    # columns the file lacks are present and null
    assert frame["province"].null_count() == 3 and frame["capital"].null_count() == 3


def test_csv_bad_record_is_kept_and_the_rest_read(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes("名称,经营范围\n甲公司,投资\n乙公司\n丙公司,贸易\n".encode())
    frame = read_all(path)
    assert frame.select("record", "name", "raw").rows() == [(1, "甲公司", "甲公司,投资"), (2, "乙公司", "乙公司"),
                                                             (3, "丙公司", "丙公司,贸易")]
    assert frame["problem"].to_list()[0] is None and frame["problem"].to_list()[2] is None
    assert "line 3" in frame["problem"][1]


def test_csv_record_with_undecodable_bytes_is_a_problem_record_not_a_crash(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes("名称,经营范围\n甲公司,投资\n".encode("gb18030") + b"\xff\xfe,x\n" + "丙公司,贸易\n".encode("gb18030"))
    frame = read_all(path)
    assert frame["record"].to_list() == [1, 2, 3]
    assert frame["name"].to_list()[::2] == ["甲公司", "丙公司"]
    assert frame["problem"][1].startswith("undecodable bytes at line 3")


@pytest.mark.parametrize(("chunk_rows", "sizes"), [(2, [2, 2, 1]), (5, [5]), (1, [1] * 5), (3, [3, 2]), (100, [5])])
@pytest.mark.parametrize("kind", ["csv", "jsonl", "parquet"])
def test_chunking_keeps_record_numbers_running(tmp_path, chunk_rows, sizes, kind):
    names = [f"公司{i}" for i in range(1, 6)]
    if kind == "csv":
        path = write_csv(tmp_path / "extract.csv", [["企业名称"], *[[name] for name in names]])
    elif kind == "jsonl":
        path = tmp_path / "extract.jsonl"
        path.write_text("".join(f'{{"企业名称": "{name}"}}\n' for name in names), encoding="utf-8")
    else:
        path = tmp_path / "extract.parquet"
        pl.DataFrame({"企业名称": names}).write_parquet(path)
    chunks = list(read_extract(path, chunk_rows))
    assert [chunk.height for chunk in chunks] == sizes
    frame = pl.concat(chunks)
    assert frame["record"].to_list() == [1, 2, 3, 4, 5]
    assert frame["name"].to_list() == names


def test_jsonl_bad_line_is_a_problem_record_and_the_rest_read(tmp_path):
    path = tmp_path / "extract.jsonl"
    lines = [
        '{"企业名称": "甲公司", "统一社会信用代码": "91110108MA0000000A", "注册资本": 100, "经营异常": true}',
        "not json at all",
        "",
        "[1, 2]",
        '{"name": "乙公司", "uscc": "91330502147047786X", "scope": "投资管理", "unknown": 1}',
        '{"company_name": "丙公司", "address": null}',
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = read_all(path)
    assert frame["record"].to_list() == [1, 2, 3, 4, 5]  # the blank line is not a record
    assert frame["name"].to_list() == ["甲公司", None, None, "乙公司", "丙公司"]
    assert frame["credit_code"].to_list() == ["91110108MA0000000A", None, None, "91330502147047786X", None]
    assert frame["capital"][0] == "100"
    assert frame["scope"][3] == "投资管理"
    assert frame["address"][4] is None
    problems = frame["problem"].to_list()
    assert problems[0] is None and problems[3] is None and problems[4] is None
    assert problems[1].startswith("unreadable JSON") and problems[2].startswith("unreadable JSON")
    assert "not a JSON object" in problems[2]
    assert frame["raw"].to_list() == [line for line in lines if line]


def test_jsonl_object_without_name_is_a_problem_record(tmp_path):
    path = tmp_path / "extract.jsonl"
    path.write_text('{"name": "甲公司"}\n{"foo": 1}\n{"name": "丙公司"}\n', encoding="utf-8")
    frame = read_all(path)
    assert frame["name"].to_list() == ["甲公司", None, "丙公司"]
    assert frame["problem"][1] == (f"line 2: {path}: no column for 'name'; accepted headers: 企业名称, 名称, "
                                   "企业（机构）名称, name, company_name. Found: foo. Rename the column or add it.")
    assert frame["problem"].null_count() == 2


TABULAR = {
    "序号": [1, 2, 3],
    "企业名称": ["北京网贷信息服务有限公司", "湖州市环城经济区供销合作社", "温州市京龙房地产开发有限公司"],
    "统一社会信用代码": ["91110108MA0000000A", "91330502147047786X", None],
    "经营范围": ["网络借贷信息中介服务", "农业生产资料", "房地产开发"],
    "注册资本": [100, 250, 5000],
    "法定代表人": ["张*", "徐*", "钟*"],
}


@pytest.mark.parametrize("kind", ["parquet", "xlsx"])
def test_parquet_and_excel_with_chinese_headers(tmp_path, kind):
    path = tmp_path / f"extract.{kind}"
    source = pl.DataFrame(TABULAR)
    if kind == "parquet":
        source.write_parquet(path)
    else:
        source.write_excel(path)
    frame = read_all(path)
    assert frame.columns == list(SCHEMA)
    assert frame["record"].to_list() == [1, 2, 3]
    assert frame["name"].to_list() == TABULAR["企业名称"]
    assert frame["credit_code"].to_list() == TABULAR["统一社会信用代码"]
    assert frame["scope"].to_list() == TABULAR["经营范围"]
    assert frame["legal_rep"].to_list() == TABULAR["法定代表人"]
    assert frame["capital"].to_list() == ["100", "250", "5000"]  # numbers come back as text
    assert frame["raw"].null_count() == 3 and frame["problem"].null_count() == 3
    assert frame["address"].null_count() == 3


@pytest.mark.parametrize("kind", ["parquet", "xlsx"])
def test_tabular_without_name_column_raises(tmp_path, kind):
    path = tmp_path / f"noname.{kind}"
    source = pl.DataFrame({"统一社会信用代码": ["91110108MA0000000A"], "经营范围": ["投资"]})
    if kind == "parquet":
        source.write_parquet(path)
    else:
        source.write_excel(path)
    with pytest.raises(ExtractError, match="no column for 'name'") as raised:
        read_all(path)
    assert str(path) in str(raised.value)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("missing.csv", None, "no such file"),
        ("extract.doc", b"x", "unknown extract type '.doc'"),
        ("broken.parquet", b"not parquet", "not a readable Parquet file"),
        ("broken.xlsx", b"not a workbook", "not a readable Excel workbook"),
        ("empty.csv", b"", "empty file"),
    ],
)
def test_unreadable_files_raise_naming_the_file(tmp_path, name, data, message):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    with pytest.raises(ExtractError, match=message) as raised:
        read_all(path)
    assert str(path) in str(raised.value)


def test_header_only_csv_yields_no_chunks(tmp_path):
    path = write_csv(tmp_path / "extract.csv", [HEADER])
    assert list(read_extract(path)) == []


@pytest.mark.shared_data
def test_real_malformed_zhejiang_excerpt(registry_dir):
    frame = read_all(registry_dir / "zhejiang_1992_excerpt_malformed.csv")
    assert frame.height == 61
    assert frame["record"].to_list() == list(range(1, 62))
    problems = frame.filter(pl.col("problem").is_not_null())
    assert problems.height == 1
    assert problems["record"].to_list() == [35]
    assert "line 36" in problems["problem"][0]
    assert problems["raw"][0].startswith("杭州金马房地产有限公司,91330100609167281F,")
    ok = frame.filter(pl.col("problem").is_null())
    assert frame.height == ok.height + problems.height
    assert ok["name"].null_count() == 0


@pytest.mark.parametrize(
    ("rows", "labels", "skip"),
    [
        ([("企业名称", "经营范围"), ("甲公司", "投资")], ["企业名称", "经营范围"], 1),
        # a title row above the header
        ([("2016年登记信息", None), ("企业名称", "经营范围"), ("甲公司", "投资")], ["企业名称", "经营范围"], 2),
        # a header over two rows: merged cells keep their text in the first row, the group title is passed over
        ([("企业名称", "登记信息", None), (None, "统一社会信用代码", "经营范围"), ("甲公司", "9111", "投资")],
         ["企业名称", "统一社会信用代码", "经营范围"], 2),
        # columns the product does not use keep their own text
        ([("序号", "企业名称", "备注", "登记机关"), ("1", "甲公司", "无", "工商局")], ["序号", "企业名称", "备注", "登记机关"], 1),
        # must not take a data row holding one column name (经营异常 is a value of the abnormal column) for header
        ([("企业名称", "经营异常", "住所"), ("甲公司", "经营异常", "北京市")], ["企业名称", "经营异常", "住所"], 1),
        # no header within the first rows: the first row stands, and resolve_headers names what is missing
        ([("甲", "乙"), ("丙", "丁")], ["甲", "乙"], 1),
        ([], [], 0),
    ],
    ids=["plain", "title-row", "two-row-merged", "unknown-columns", "value-like-a-header", "no-header", "empty-sheet"],
)
def test_excel_header_block(rows, labels, skip):
    assert header_block(rows) == (labels, skip)


def test_excel_with_title_and_merged_header_reads_every_data_row(tmp_path):
    import xlsxwriter

    path = tmp_path / "merged.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    sheet.merge_range(0, 0, 0, 2, "浙江省企业登记信息")
    sheet.merge_range(1, 0, 2, 0, "企业名称")
    sheet.merge_range(1, 1, 1, 2, "登记信息")
    sheet.write_row(2, 1, ["统一社会信用代码", "经营范围"])
    for i, row in enumerate(ROWS):
        sheet.write_row(3 + i, 0, row[:3])
    book.close()
    frame = read_all(path)
    assert frame["record"].to_list() == [1, 2, 3]
    assert frame.select("name", "credit_code", "scope").rows() == [tuple(row[:3]) for row in ROWS]


def test_truncated_parquet_says_so(tmp_path):
    path = tmp_path / "truncated.parquet"
    pl.DataFrame(TABULAR).write_parquet(path)
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(ExtractError, match="not a readable Parquet file, truncated or damaged") as raised:
        read_all(path)
    assert str(path) in str(raised.value)
