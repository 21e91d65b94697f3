"""Whether a read record can be loaded: screening.rules.validation."""

import polars as pl
import pytest
from stdnum.cn import uscc

from screening.extract.damaged_text import suspects
from screening.rules.validation import FirstRecords, reject_reason

VALID = ["91440101190508453C", "91330502147047786X", "9133030014506614XK"]


def wrong_last_char(code: str) -> str:
    """The code with its check character replaced by a different valid-alphabet character."""
    other = "0" if code[-1] != "0" else "1"
    changed = code[:-1] + other
    assert uscc.calc_check_digit(code[:-1]) == code[-1] != other
    return changed


MALFORMED = "malformed record at line 36: 9 fields, the header has 10; check the quotes in this line"


@pytest.mark.parametrize(
    ("row", "has_code_column", "expected"),
    [
        # a read problem passes through unchanged, before any other check
        ({"name": "杭州金马房地产有限公司", "credit_code": VALID[0], "problem": MALFORMED}, True, MALFORMED),
        ({"name": "", "credit_code": None, "problem": MALFORMED}, True, MALFORMED),
        ({"name": None, "credit_code": "bad", "problem": "NUL byte in the record at line 3"}, False,
         "NUL byte in the record at line 3"),
        # empty or blank name
        ({"name": "", "credit_code": VALID[0], "problem": None}, True, "empty name"),
        ({"name": None, "credit_code": VALID[0], "problem": None}, True, "empty name"),
        ({"name": "   ", "credit_code": VALID[0], "problem": None}, True, "empty name"),
        ({"name": "\u3000\t", "credit_code": VALID[0], "problem": None}, True, "empty name"),
        ({"credit_code": VALID[0]}, True, "empty name"),
        ({"name": "", "credit_code": None}, False, "empty name"),
        # the empty name is reported before a bad code
        ({"name": " ", "credit_code": wrong_last_char(VALID[0])}, True, "empty name"),
        # bad checksum
        ({"name": "广州某公司", "credit_code": wrong_last_char(VALID[0]), "problem": None}, True,
         "invalid credit code checksum"),
        ({"name": "湖州某社", "credit_code": wrong_last_char(VALID[1])}, True, "invalid credit code checksum"),
        ({"name": "温州某公司", "credit_code": wrong_last_char(VALID[2])}, True, "invalid credit code checksum"),
        # wrong length
        ({"name": "某公司", "credit_code": VALID[0][:-1]}, True, "invalid credit code length (expected 18 characters, or a 15-digit registration number)"),
        ({"name": "某公司", "credit_code": VALID[0] + "1"}, True, "invalid credit code length (expected 18 characters, or a 15-digit registration number)"),
        ({"name": "某公司", "credit_code": "123"}, True, "invalid credit code length (expected 18 characters, or a 15-digit registration number)"),
        # bad character
        ({"name": "某公司", "credit_code": VALID[0][:-1] + "!"}, True, "invalid credit code format"),
        # missing code where the extract has a code column
        ({"name": "某公司", "credit_code": None}, True, "missing credit code (or 15-digit registration number)"),
        ({"name": "某公司", "credit_code": ""}, True, "missing credit code (or 15-digit registration number)"),
        ({"name": "某公司", "credit_code": "   "}, True, "missing credit code (or 15-digit registration number)"),
        ({"name": "某公司"}, True, "missing credit code (or 15-digit registration number)"),
        # no code column: the code is not checked at all
        ({"name": "某公司", "credit_code": None}, False, None),
        ({"name": "某公司"}, False, None),
        ({"name": "某公司", "credit_code": wrong_last_char(VALID[0])}, False, None),
        # valid codes, also with spaces around them
        ({"name": "广州某公司", "credit_code": VALID[0], "problem": None}, True, None),
        ({"name": "湖州某社", "credit_code": VALID[1]}, True, None),
        ({"name": "温州某公司", "credit_code": VALID[2]}, True, None),
        ({"name": "温州某公司", "credit_code": f"  {VALID[2]} "}, True, None),
        ({"name": "北京某公司", "credit_code": "91110108MA0000000" + uscc.calc_check_digit("91110108MA0000000")}, True,
         None),
    ],
)
def test_reject_reason(row, has_code_column, expected):
    assert reject_reason(row, has_code_column) == expected


def utf8_as_gbk(text: str, errors: str = "replace") -> str:
    return text.encode("utf-8").decode("gbk", errors)


def gbk_as_latin(text: str) -> str:
    return text.encode("gbk").decode("latin-1")


GARBLED_UTF8 = "(UTF-8 text read as GBK and saved again); re-export the extract in UTF-8"
DAMAGED = [
    ({"name": "甲\x07公司"}, "control character U+0007 in name; delete it at the source and export again"),
    ({"name": "甲公司", "scope": "网\x7f贷"}, "control character U+007F in scope; delete it at the source and export again"),
    ({"name": "甲公司\x85"}, "control character U+0085 in name; delete it at the source and export again"),
    ({"name": "甲公司\u202e"}, "control character U+202E in name; delete it at the source and export again"),
    ({"name": "甲公司", "legal_rep": "张\x1b*"}, "control character U+001B in legal_rep; delete it at the source"),
    ({"name": "\ufffd\u03fa\ufffd\u02b5\u04b5"},
     "lost characters (U+FFFD) in name: the text was damaged before this extract; correct the record at the source"),
    ({"name": utf8_as_gbk("北京网贷信息服务有限公司")}, f"garbled name: '鍖椾含缃戣捶淇℃伅鏈嶅姟' reads as '北京网贷信息服务' {GARBLED_UTF8}"),
    ({"name": utf8_as_gbk("上海实业有限公司", "ignore")}, f"garbled name: '涓婃捣瀹炰笟鏈夐檺鍏鍙' reads as '上海实业有限' {GARBLED_UTF8}"),
    ({"name": "甲公司", "address": utf8_as_gbk("浙江省湖州市二里桥路")}, "garbled address: '"),
    ({"name": gbk_as_latin("温州市京龙房地产开发有限公司")},
     "garbled name: 'ÎÂÖÝÊÐ¾©Áú·¿µØ²ú' reads as '温州市京龙房地产' (GBK text read as Latin-1 and saved again)"),
]
CLEAN = ["王𫖯科技有限公司", "䶮光电子有限公司", "嵊州市璟瑄韬商贸有限公司", "北京網貸資訊服務有限公司", "上海韬奋广告公司",
         "纸箱、纸盒、纸板。", "农村供电。", "玛丽·居里生物科技有限公司", "Café Müller咖啡有限公司", "××××××", "技术开发\t咨询",
         "投资管理\n资产管理", "网\u200b贷科技有限公司", "北京\u3000某某有限公司", "＝ＨＹＰＥＲＬＩＮＫ有限公司", "=1+1有限公司"]


@pytest.mark.parametrize(("row", "expected"), DAMAGED + [({"name": text, "scope": text}, None) for text in CLEAN],
                         ids=[f"damaged-{i}" for i in range(len(DAMAGED))] + [f"clean-{i}" for i in range(len(CLEAN))])
def test_damaged_text_is_rejected_naming_the_field(row, expected):
    reason = reject_reason({"credit_code": VALID[0], **row}, True)
    assert (reason or "").startswith(expected or "") and (reason is None) is (expected is None), reason


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"name": "", "scope": "网\x7f贷", "credit_code": "bad"}, "empty name"),
        ({"name": "甲\x07公司", "credit_code": "bad"}, "control character U+0007 in name"),
        ({"name": "甲\x07公司", "problem": MALFORMED}, MALFORMED),
    ],
    ids=["empty-name-first", "text-before-code", "read-problem-first"],
)
def test_damaged_text_comes_after_the_name_and_before_the_code(row, expected):
    assert reject_reason({"credit_code": VALID[0], **row}, True).startswith(expected)


@pytest.mark.parametrize(("row", "expected"), DAMAGED, ids=[f"damaged-{i}" for i in range(len(DAMAGED))])
def test_column_prefilter_selects_every_damaged_record(row, expected):
    frame = pl.DataFrame([row])
    assert frame.select(pl.any_horizontal([suspects(pl.col(c)) for c in frame.columns])).item() is True


def chunk(records: list[tuple[int, str | None, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(records, schema={"record": pl.Int64, "credit_code": pl.Utf8, "rejected": pl.Utf8}, orient="row")


def test_later_records_of_a_code_are_duplicates_across_chunks():
    first_records = FirstRecords()
    one = first_records.mark(chunk([(1, VALID[0], "empty name"), (2, VALID[0], None), (3, None, None),
                                    (4, VALID[1], None), (5, VALID[1], None)]))
    two = first_records.mark(chunk([(6, VALID[0], None), (7, None, None), (8, VALID[1], "invalid credit code checksum"),
                                    (9, VALID[2], None)]))
    duplicate = "duplicate credit code in this extract (first at record {})"
    assert one["rejected"].to_list() == ["empty name", None, None, None, duplicate.format(4)]
    assert two["rejected"].to_list() == [duplicate.format(2), None, "invalid credit code checksum", None]
    assert one.columns == two.columns == ["record", "credit_code", "rejected"]


@pytest.mark.shared_data
@pytest.mark.parametrize(("sample", "lost"), [("erd_1978_2003_sample20k.csv", 17), ("erd_2004_sample20k.csv", 0)])
def test_real_records_with_damaged_text_are_only_the_lost_names(registry_dir, sample, lost):
    from screening.extract.readers import read_extract
    from screening.rules.validation import with_rejections

    frame = pl.concat([with_rejections(chunk, True) for chunk in read_extract(registry_dir / sample)])
    reasons = frame["rejected"].drop_nulls().to_list()
    damaged = [r for r in reasons if not r.startswith(("invalid credit", "missing credit"))]
    assert damaged == ["lost characters (U+FFFD) in name: the text was damaged before this extract;"
                       " correct the record at the source"] * lost
