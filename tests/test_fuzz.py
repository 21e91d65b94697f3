"""Fuzzing (issue #6 item 5): hypothesis over the normaliser, the clause parser, full screening and the CSV reader.

Properties: no exception escapes (the CSV reader may raise only ``ExtractError``, naming the file);
every span slices the original text back to what was matched; folding twice equals folding once;
the prefilter never drops a record the full screening would hit; a CSV file's records come out
numbered 1, 2, 3 … and every record is either read or kept as a problem record, none lost.

Strategies mix arbitrary code points with pieces that matter here: terms (金融, 投资管理, 理财, P2P,
full-width and traditional forms), exclusion cues (除…外, 不得, 不含, 未经, 非), brackets of every width,
quotes, commas, line breaks, \\r, NUL, zero-width and combining characters, and, for the CSV reader,
invalid UTF-8 and GB18030 bytes.

Bounded for CI: ``FUZZ_EXAMPLES`` examples per test (default 300; the whole module runs in well under
a minute). A long local run: ``FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest tests/test_fuzz.py``.
Hypothesis keeps failing examples in ``.hypothesis/`` and replays them first; a failure found here
becomes an explicit regression case in the tables below.
"""

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
import csv
import io
import os
from pathlib import Path
import tempfile

from hypothesis import HealthCheck, given, settings, strategies as st
import orjson
import polars as pl
import pytest

from screening.rules.clauses import bracket_spans
from screening.rules.layout import Layout
from screening.extract.csv_records import csv_rows, visible
from screening.extract.encoding import detect_encoding
from screening.errors import ExtractError
from screening.rules.hits import PLANS_TIER
from screening.rules.folding import fold, fold_char, fold_text
from screening.rules.pipeline import candidate_mask
from screening.rules.regions import Region

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TERMS = ["金融", "投资管理", "理财", "P2P", "Ｐ２Ｐ", "p2p", "資產管理", "资产管理", "网络借贷", "網絡借貸", "众筹", "支付",
         "交易所", "基金", "财富管理", "理 财", "金\u200b融", "投\u3000资", "担保", "融资", "资金", "基金会", "金融街"]
CUES = ["除", "外", "以外", "之外", "除外", "不得", "不得从事", "不含", "不包括", "未经", "批准", "非", "性", "不", "禁止",
        "法律法规规定需审批的除外", "不得以公开方式募集资金", "不得发放贷款"]
MARKS = ["（", "）", "(", ")", "【", "】", "[", "]", "〔", "〕", "{", "}", "；", ";", "，", ",", "、", "。", "：", "\n", "\r",
         "\r\n", "\"", "'", "“", "”", "\x00", "\t", " ", "\u3000", "\u200b", "\ufeff", "\u00ad", "\u0301", "\u0338",
         "\u20dd", "ﬁ", "㈱", "①", "Å", "ǅ", "ß", "İ", "\U0002a6a5", "\U0001f600", "\x1c", "\x85", "\u2028"]
WORDS = ["技术开发", "咨询", "上海", "北京", "有限公司", "服务", "信息", "經濟", "資訊", "企业管理", "投资", "管理"]
PIECES = st.sampled_from(TERMS + CUES + MARKS + WORDS)
ANY_CHAR = st.characters(exclude_categories=("Cs",))  # every code point but lone surrogates
TEXT = st.lists(st.one_of(PIECES, PIECES, ANY_CHAR), max_size=30).map("".join)
TEXT_WITH_SURROGATES = st.lists(st.one_of(PIECES, st.characters()), max_size=30).map("".join)
REGIONS = st.sampled_from([Region(None, "none"), Region("310115", "credit_code"), Region("110108", "credit_code"),
                           Region("330100", "address")])

# Regression inputs: found by fuzzing or known to be awkward; replayed on every run.
FOLD_CASES = ["", "\x00", "e\u0301", "\u0301", "ﬁ", "㈱金融", "理\u200b财", "Ｐ２Ｐ", "ǅ", "ß", "İ", "\ufeff金融",
              "\U0002a6a5金融", "金\u0338融", "\u3000\u3000", "①②", "\ud800", "金\udfff融"]


# ---------------------------------------------------------------- the normaliser


def check_offset_map(text: str) -> None:
    """Every folded character comes from one original character, in order, and the folded
    characters of each original character are exactly that character's own fold."""
    folded = fold(text)
    origin = range(len(text)) if folded.origin is None else folded.origin
    assert len(origin) == len(folded.text)
    assert list(origin) == sorted(origin) and all(0 <= i < len(text) for i in origin)
    produced = defaultdict(str)
    for char, index in zip(folded.text, origin):
        produced[index] += char
    assert [produced.get(i, "") for i in range(len(text))] == [fold_char(c) for c in text]


def check_spans_slice_back(text: str, data) -> None:
    """Any folded span maps to an original span whose fold holds the folded span."""
    folded = fold(text)
    if not folded.text:
        return
    start = data.draw(st.integers(0, len(folded.text) - 1))
    end = data.draw(st.integers(start + 1, len(folded.text)))
    first, last = folded.original_span(start, end)
    assert 0 <= first < last <= len(text)
    assert folded.text[start:end] in fold_text(text[first:last])


@pytest.mark.parametrize("text", FOLD_CASES)
def test_fold_regressions(text):
    check_offset_map(text)
    assert fold_text(fold_text(text)) == fold_text(text)


@FUZZ
@given(TEXT)
def test_fold_is_idempotent(text):
    once = fold_text(text)
    assert fold_text(once) == once


@FUZZ
@given(TEXT_WITH_SURROGATES)
def test_fold_never_raises_and_its_offset_map_is_exact(text):
    check_offset_map(text)


@FUZZ
@given(TEXT, st.data())
def test_every_folded_span_slices_the_original(text, data):
    check_spans_slice_back(text, data)


# ---------------------------------------------------------------- the clause parser


@pytest.fixture(scope="module")
def judge(screener):
    return screener.clauses


@FUZZ
@given(TEXT, st.data())
def test_clause_parser_never_raises_and_its_clause_holds_the_occurrence(judge, text, data):
    folded = fold_text(text)
    if not folded:
        return
    start = data.draw(st.integers(0, len(folded) - 1))
    end = data.draw(st.integers(start + 1, min(len(folded), start + 6)))
    spans = bracket_spans(folded)
    assert all(0 <= o < c < len(folded) and folded[o] in "([【〔{" for o, c in spans)
    negation = judge.negation(folded, start, end, folded[start:end], Layout(folded))
    assert negation == judge.negation(folded, start, end, folded[start:end])  # with or without the layout given
    if negation:
        assert 0 <= negation.start <= start and end <= negation.end <= len(folded) and negation.cue


# ---------------------------------------------------------------- full screening of (name, scope)


def folded_terms(screener, hit) -> set[str]:
    """The folded texts that can raise ``hit``: its term for the plans' lists; for the extended tier
    (whose terms are rule names such as 字号含投（…）) the matcher keys behind that rule."""
    if hit.tier == PLANS_TIER:
        return {fold_text(hit.term)}
    return {key for key, terms in screener.extended.matcher.entries.items() if any(t.term == hit.term for t in terms)}


def check_hits(screener, result, fields: dict) -> None:
    """Every hit slices its field's original text back to ``matched``, which folds to hold the term."""
    for hit in result.hits:
        original = fields[hit.field]
        assert 0 <= hit.start < hit.end <= len(original)
        assert original[hit.start:hit.end] == hit.matched
        assert any(key in fold_text(hit.matched) for key in folded_terms(screener, hit))
        assert hit.counts is (hit.why is None)
    assert result.flagged == (bool(result.counting_hits) and result.exempt is None)
    orjson.dumps(result.as_dict())  # what `check` prints


@FUZZ
@given(TEXT, TEXT, REGIONS)
def test_screening_never_raises_and_every_hit_slices_back(screener, name, scope, region):
    fields = {"name": name, "scope": scope, "credit_code": None}
    check_hits(screener, screener.screen(1, fields, region), fields)


@FUZZ
@given(TEXT, TEXT)
def test_the_prefilter_never_drops_a_record_the_screening_hits(screener, name, scope):
    result = screener.screen(1, {"name": name, "scope": scope}, Region(None, "none"))
    if any(hit.tier == PLANS_TIER for hit in result.hits) or result.attention_hits:
        chunk = pl.DataFrame({"name": [name], "scope": [scope]}, schema={"name": pl.Utf8, "scope": pl.Utf8})
        assert candidate_mask(screener, chunk).to_list() == [True]


# ---------------------------------------------------------------- the CSV reader

HEADER = ["企业名称", "统一社会信用代码", "经营范围", "法定代表人"]
HEADER_LINES = [b"\xe4\xbc\x81\xe4\xb8\x9a\xe5\x90\x8d\xe7\xa7\xb0,scope,legal_rep\n",  # 企业名称 in UTF-8
                "\ufeff企业名称,经营范围\r\n".encode("utf-8"), "企业名称,经营范围,住所\n".encode("gb18030"),
                b"name,scope,credit_code\r", b"name\n", b'"name","scope"\n']
BYTE_PIECES = [b",", b'"', b'""', b"\n", b"\r", b"\r\n", b"\x00", b"\xff", b"\xfe", b"\x80", b"\xc0", b"\xe9\x87",
               b"\x81", b"\x81\x30", b"\x81\x30\x81", b"\\", b" ", b"\t", b"\xef\xbb\xbf", "金融".encode(),
               "投资管理".encode("gb18030"), "理财,P2P".encode(), '"除金融外"'.encode("gb18030"), b"\xe2\x80\xa8"]
BODY = st.lists(st.one_of(st.sampled_from(BYTE_PIECES), st.binary(max_size=6)), max_size=40).map(b"".join)


def squash(text: str) -> str:
    """Text without any whitespace (line breaks included): what must survive reading, in order."""
    return "".join(text.split())


@contextmanager
def extract_file(content: bytes) -> Iterator[Path]:
    """``content`` as a CSV file in a fresh folder, removed afterwards (examples run many times a test)."""
    with tempfile.TemporaryDirectory(prefix="fuzz_csv_") as folder:
        path = Path(folder) / "extract.csv"
        path.write_bytes(content)
        yield path


def read_all(path: Path) -> tuple[list[dict] | ExtractError, str | None]:
    """Every record of the file and the encoding it was read in, or the ExtractError it raised."""
    try:
        return list(csv_rows(path)), detect_encoding(path).name
    except ExtractError as error:
        return error, None


def check_records(rows: list[dict]) -> None:
    """Records numbered 1..n; every row is read (all columns present) or a problem; all text is storable."""
    assert [row["record"] for row in rows] == list(range(1, len(rows) + 1))
    for row in rows:
        for value in row.values():
            if isinstance(value, str):
                value.encode("utf-8")  # no lone surrogate: every value can be stored and printed
        assert row["problem"] is None or row["problem"].strip()


@FUZZ
@given(st.sampled_from(HEADER_LINES), BODY)
def test_csv_reader_on_arbitrary_bytes_loses_nothing(header, body):
    with extract_file(header + body) as path:
        rows, name = read_all(path)
    if isinstance(rows, ExtractError):  # a header garbled by the encoding the bytes force, or a foreign encoding
        assert str(path) in str(rows)
        return
    check_records(rows)
    text = visible((header + body).decode(name, "surrogateescape"))
    head = visible(header.decode(name, "surrogateescape"))
    kept = squash("".join(row["raw"] for row in rows))
    assert squash(text) == squash(head) + kept  # every non-blank byte of the body is in some record, in order


def written_record(fields: list[str], terminator: str) -> str:
    """One record as csv.writer writes it (fields with quotes, commas or line breaks quoted)."""
    buffer = io.StringIO()
    quoting = csv.QUOTE_MINIMAL if terminator == "\r\n" else csv.QUOTE_ALL  # QUOTE_MINIMAL leaves a lone \r bare
    csv.writer(buffer, lineterminator=terminator, quoting=quoting).writerow(fields)
    return buffer.getvalue()


CORRUPTIONS = {
    "extra-field": (b",x", "fields, the header has"),
    "nul": (b"\x00", "NUL byte"),
    "bad-byte": (b"\xff", "undecodable bytes"),
}
FIELD = st.lists(st.one_of(PIECES.filter(lambda piece: piece != "\x00"),  # a NUL makes its own problem
                           st.characters(exclude_categories=("Cs",), exclude_characters="\x00")),
                 max_size=8).map("".join)


@FUZZ
@given(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]), st.sampled_from(["\r\n", "\n"]),
       st.lists(st.tuples(st.lists(FIELD, min_size=4, max_size=4), st.sampled_from([None, *CORRUPTIONS])),
                min_size=1, max_size=8))
def test_csv_records_in_equal_records_out_plus_problem_records(encoding, terminator, records):
    lines = [written_record(HEADER, terminator).encode(encoding)]
    for fields, corruption in records:
        line = written_record(fields, terminator).encode(encoding.replace("-sig", ""))
        if corruption:  # after the last field, before the line break: the record's bounds stay
            line = line[:-len(terminator)] + CORRUPTIONS[corruption][0] + terminator.encode()
        lines.append(line)
    with extract_file(b"".join(lines)) as path:
        rows, read_as = read_all(path)
    assert not isinstance(rows, ExtractError), rows
    check_records(rows)
    assert len(rows) == len(records)  # records in = records read + problem records
    for row, (fields, corruption) in zip(rows, records):
        if corruption:
            assert CORRUPTIONS[corruption][1] in row["problem"]
            continue
        assert row["problem"] is None
        if read_as != "gb18030" or encoding == "gb18030":  # a short UTF-8 file can also be valid GB18030
            assert [row[c] for c in ("name", "credit_code", "scope", "legal_rep")] == fields
            assert row["raw"] == written_record(fields, terminator)[:-len(terminator)]


def test_a_short_gb18030_extract_with_a_pinyin_letter_is_read():
    """Found by fuzzing: charset-normalizer guessed EUC-JP; a known Chinese header read as GB18030 wins."""
    content = "企业名称,统一社会信用代码,经营范围,法定代表人\r\n,,ò,投资管理ò\r\n".encode("gb18030")
    with extract_file(content) as path:
        rows, read_as = read_all(path)
    assert read_as == "gb18030" and [(r["scope"], r["legal_rep"], r["problem"]) for r in rows] == [
        ("ò", "投资管理ò", None)]


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xff\xfe", b"x,y\n1,2\n", "名字,地址\n".encode()],
                         ids=["empty", "blank-lines", "bom-only-bytes", "no-name-column", "chinese-no-name"])
def test_csv_reader_refuses_an_unreadable_header_naming_the_file(content):
    with extract_file(content) as path:
        rows, _ = read_all(path)
    assert isinstance(rows, ExtractError) and str(path) in str(rows)
