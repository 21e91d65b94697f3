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
    (utf8_read_as_gbk("湖州市环城经济区金融服务有限公司"), UTF8_AS_GBK, "湖州市"),
    (utf8_read_as_gbk("北京网贷信息咨询有限公司"), UTF8_AS_GBK, "北京"),
    (gbk_read_as_latin("上海投资管理有限公司"), GBK_AS_LATIN, "上海"),
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
    assert found is not None and found.mistake == mistake and found.meant.startswith(meant)


@pytest.mark.parametrize("text", CLEAN, ids=[f"clean-{i}" for i in range(len(CLEAN))])
def test_clean_text_is_not_damaged(text):
    assert misreading(text) is None and damage("name", text) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("网\x7f贷科技有限公司", "control character U+007F in name"),
        ("上海\x07公司", "control character U+0007 in name"),
        ("\u202e司公限有", "control character U+202E in name"),
        ("�Ϻ��ʹ�˾", "lost characters (U+FFFD) in name"),
        (utf8_read_as_gbk("湖州市环城经济区"), "garbled name: "),
    ],
    ids=["del", "bell", "right-to-left-override", "lost", "garbled"],
)
def test_damage_names_the_field_and_the_fix(text, reason):
    found = damage("name", text)
    assert found.startswith(reason) and ("re-export" in found or "source" in found)


def test_the_column_prefilter_selects_every_damaged_text():
    """The prefilter may pick clean text too (``damage`` decides), but must never miss damaged text."""
    damaged = [t for t, _, _ in GARBLED] + ["网\x7f贷", "�Ϻ�"]
    picked = pl.DataFrame({"text": damaged}).select(suspects(pl.col("text"))).to_series().to_list()
    assert picked == [True] * len(damaged)
