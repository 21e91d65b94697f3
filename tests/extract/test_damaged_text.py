"""Damaged text (screening/extract/damaged_text.py): mojibake, lost and control characters are found
with their reason; clean Chinese text of every kind is not. Cases are tables, incl. must-not cases."""

import polars as pl
import pytest

from screening.extract.damaged_text import GBK_AS_LATIN, UTF8_AS_GBK, damage, misreading, suspects


def utf8_read_as_gbk(text: str) -> str:
    """What an office's tool shows after decoding UTF-8 bytes as GBK (and saving that)."""
    return text.encode("utf-8").decode("gbk", errors="replace")


def gbk_read_as_latin(text: str) -> str:
    """What a tool shows after decoding GBK bytes as Latin-1."""
    return text.encode("gbk").decode("latin-1")


GARBLED = [
    (utf8_read_as_gbk("湖州市环城经济区金融服务有限公司"), UTF8_AS_GBK, "湖州市环城经济区"),
    (utf8_read_as_gbk("北京网贷信息咨询有限公司"), UTF8_AS_GBK, "北京网贷信息咨"),
    (gbk_read_as_latin("上海投资管理有限公司"), GBK_AS_LATIN, "上海投资管理有限"),
]
CLEAN = [
    "上海韬奋广告公司",                      # rare but real characters
    "深圳市衢州婺源嵊州璟瑄韬有限公司",        # level-2 GB2312 characters
    "溫州市京龍房地產開發有限公司",            # traditional characters
    "𫖯䶮科技有限公司",                       # GB18030 four-byte and extension-A characters
    "纸箱、纸盒、纸板。",                      # punctuation only
    "Beijing Café Co., Ltd.",                # Latin-1 letters in a short run
    "技术开发\t技术咨询\n技术服务",             # tab and line break are allowed
    "",
]


@pytest.mark.parametrize(("text", "mistake", "meant"), GARBLED, ids=["utf8-as-gbk", "utf8-as-gbk-2", "gbk-as-latin1"])
def test_mojibake_is_found_with_what_it_reads_as(text, mistake, meant):
    found = misreading(text)
    assert (found.mistake, found.meant) == (mistake, meant)  # meant: the start of the text as it was written


@pytest.mark.parametrize("text", CLEAN, ids=[f"clean-{i}" for i in range(len(CLEAN))])
def test_clean_text_is_not_damaged(text):
    assert misreading(text) is None and damage("name", text) is None


DELETE = "; delete it at the source and export again"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("网\x7f贷科技有限公司", f"control character U+007F in name{DELETE}"),
        ("上海\x07公司", f"control character U+0007 in name{DELETE}"),
        ("\u202e司公限有", f"control character U+202E in name{DELETE}"),
        ("�Ϻ��ʹ�˾", "lost characters (U+FFFD) in name: the text was damaged before this extract; "
                    "correct the record at the source"),
        (utf8_read_as_gbk("湖州市环城经济区"), "garbled name: '婀栧窞甯傜幆鍩庣粡娴庡尯' reads as '湖州市环城经济区' "
                                         "(UTF-8 text read as GBK and saved again); re-export the extract in UTF-8"),
    ],
    ids=["del", "bell", "right-to-left-override", "lost", "garbled"],
)
def test_damage_names_the_field_and_the_fix(text, reason):
    found = damage("name", text)
    assert found == reason


def test_the_column_prefilter_selects_every_damaged_text():
    """The prefilter may pick clean text too (``damage`` decides), but must never miss damaged text."""
    damaged = [t for t, _, _ in GARBLED] + ["网\x7f贷", "�Ϻ�"]
    picked = pl.DataFrame({"text": damaged}).select(suspects(pl.col("text"))).to_series().to_list()
    assert picked == [True] * len(damaged)
