"""Which encoding an extract is in: screening.extract.encoding."""

import re

import pytest

from screening.extract.encoding import Encoding, decode_errors, detect_encoding, foreign_encoding, head_sample
from screening.errors import ExtractError

TEXT = (
    "企业名称,统一社会信用代码,经营范围,住所\n"
    "北京网贷信息服务有限公司,91110108MA0000000A,网络借贷信息中介服务；投资管理,北京市海淀区中关村大街1号\n"
    "温州市京龙房地产开发有限公司,9133030014506614XK,房地产开发，经营，物业管理。,浙江省温州市车站大道17-1＃京华大厦\n"
)


@pytest.mark.parametrize(
    ("text", "data", "expected"),
    [
        (TEXT, TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT, b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT, TEXT.encode("utf-8-sig"), "utf-8-sig"),
        (TEXT, TEXT.encode("gb18030"), "gb18030"),
        (TEXT, TEXT.encode("gbk"), "gb18030"),
        ("名称\n网贷\n", "名称\n网贷\n".encode("gbk"), "gb18030"),
        # characters outside GBK, only GB18030 has them (four-byte sequences)
        ("名称\n𠀀科技有限公司\n", "名称\n𠀀科技有限公司\n".encode("gb18030"), "gb18030"),
        ("name\nplain ascii firm\n", "name\nplain ascii firm\n".encode("ascii"), "utf-8-sig"),
        # valid UTF-8 that contains the replacement character itself is still clean UTF-8
        ("名称\n北京\ufffd\ufffd有限公司\n", "名称\n北京\ufffd\ufffd有限公司\n".encode("utf-8"), "utf-8-sig"),
    ],
    ids=["utf8", "utf8-bom", "utf8-sig-codec", "gb18030", "gbk", "gbk-short", "gb18030-4byte", "ascii", "utf8-with-fffd"],
)
def test_detects_clean_encoding(tmp_path, text, data, expected):
    path = tmp_path / "extract.csv"
    path.write_bytes(data)
    assert detect_encoding(path) == Encoding(expected, True)
    # and the text reads back under that codec as it was written (a BOM dropped)
    assert path.read_bytes().decode(expected) == text


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x80\x80\xff\x80\xff\xfe", "utf-8-sig"),  # as many bad bytes either way: UTF-8
        (b"name\n\x80\xff\x80\xff\n", "utf-8-sig"),
        (bytes([0xFF, 0x80] * 50), "utf-8-sig"),
        ("名称\n网贷信息服务\n".encode("gbk") + b"\x80\n", "gb18030"),  # fewer bad bytes in GB18030
    ],
    ids=["bytes-only", "after-header", "long", "gbk-one-bad-byte"],
)
def test_random_invalid_bytes_are_not_clean(tmp_path, data, expected):
    path = tmp_path / "extract.csv"
    path.write_bytes(data)
    assert detect_encoding(path) == Encoding(expected, False)


def test_utf8_file_with_one_bad_byte_is_utf8_but_not_clean(tmp_path):
    rows = "企业名称,经营范围\n" + "".join(f"北京网贷信息服务有限公司{i},技术开发与咨询\n" for i in range(50))
    data = rows.encode("utf-8")
    path = tmp_path / "extract.csv"
    path.write_bytes(data[:100] + b"\xff" + data[100:])
    assert detect_encoding(path) == Encoding("utf-8-sig", False)


@pytest.mark.parametrize(
    ("data", "encoding", "errors"),
    [
        (TEXT.encode("utf-8"), "utf-8-sig", 0),
        (b"abc\xffdef\xfe", "utf-8-sig", 2),
        (TEXT.encode("gbk"), "gb18030", 0),
        (b"abc\xff", "gb18030", 1),
    ],
)
def test_decode_errors_counts_undecodable_bytes(tmp_path, data, encoding, errors):
    path = tmp_path / "extract.csv"
    path.write_bytes(data)
    assert decode_errors(path, encoding) == errors


def test_multibyte_character_split_across_read_blocks_is_clean(tmp_path, monkeypatch):
    import screening.extract.encoding as module

    monkeypatch.setattr(module, "BLOCK", 7)  # splits the three-byte UTF-8 characters between reads
    path = tmp_path / "extract.csv"
    path.write_bytes(TEXT.encode("utf-8"))
    assert detect_encoding(path) == Encoding("utf-8-sig", True)


# ------------------------------------------------------------- files in an encoding GB18030 would garble

BIG5_TEXT = ("name,credit_code,scope\n北京網貸資訊服務有限公司,91110108MA0000000A,網絡借貸資訊中介服務\n"
             "溫州市京龍房地產開發有限公司,9133030014506614XK,房地產開發，經營，物業管理。\n")
JAPANESE = "会社名,所在地\n東京電力株式会社,東京都千代田区内幸町一丁目\n三菱商事株式会社,東京都千代田区丸の内二丁目\n"


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (BIG5_TEXT.encode("big5"), "Big5 (traditional Chinese)"),
        (JAPANESE.encode("shift_jis"), "Shift-JIS (Japanese)"),
        (JAPANESE.encode("euc_jp"), "EUC-JP (Japanese)"),
        (TEXT.encode("utf-16"), "UTF-16"),
        (TEXT.encode("utf-16-be"), None),  # no byte-order mark: left to the usual reading
        (TEXT.encode("utf-32"), "UTF-32"),
        # GB files must not be taken for foreign ones, however short or traditional
        ("名称\n网贷\n".encode("gbk"), None),
        ("名称,地址\n网贷,北京\n".encode("gbk"), None),
        (BIG5_TEXT.encode("gbk"), None),
        ("企业名称\n深圳市衢州婺源嵊州璟瑄韬有限公司\n".encode("gbk"), None),
        ("名称\n𠀀科技有限公司\n".encode("gb18030"), None),
        ("企业名称,统一社会信用代码,经营范围,法定代表人\r\n,,ò,投资管理ò\r\n".encode("gb18030"), None),
        # a known Chinese header decides only when it reads as GB18030: in Big5 it does not
        (("企業名稱,經營範圍\n" + BIG5_TEXT.split("\n", 1)[1]).encode("big5"), "Big5 (traditional Chinese)"),
    ],
    ids=["big5", "shift-jis", "euc-jp", "utf16-bom", "utf16-no-bom", "utf32-bom", "gbk-two-lines", "gbk-comma",
         "gbk-traditional", "gbk-level2-characters", "gb18030-4byte", "gb18030-header-decides",
         "big5-chinese-header"],
)
def test_foreign_encoding(tmp_path, data, label):
    path = tmp_path / "extract.csv"
    path.write_bytes(data)
    assert foreign_encoding(path) == label
    if label:
        with pytest.raises(ExtractError, match=f"the file is in {re.escape(label)}, not UTF-8 or GB18030") as raised:
            detect_encoding(path)
        assert str(path) in str(raised.value) and "Re-export it in UTF-8" in str(raised.value)


def test_long_file_is_sampled_at_a_line_end(tmp_path, monkeypatch):
    import screening.extract.encoding as module

    monkeypatch.setattr(module, "SAMPLE", 100)
    path = tmp_path / "extract.csv"
    path.write_bytes(TEXT.encode("gbk"))
    sample = head_sample(path)
    assert sample.endswith(b"\n") and len(sample) <= 100 and TEXT.encode("gbk").startswith(sample)


@pytest.mark.shared_data
@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_real_records_in_gbk_are_not_taken_for_foreign(registry_dir, tmp_path, encoding):
    lines = (registry_dir / "erd_2004_sample20k.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    for count in (2, 3, 5, 50, 2000):
        path = tmp_path / f"head{count}.csv"
        path.write_bytes("".join(lines[:count]).encode(encoding))
        assert detect_encoding(path) == Encoding("gb18030", True), count
