"""One part screened by a worker: screening.store.parts (reads a part by path, writes result parts)."""

from pathlib import Path

import polars as pl
import pytest

from screening.extract.readers import read_extract
from screening.rules.pipeline import screen_frame
from screening.store import parts
from screening.store.runfolder import result_paths, screened


def staged_part(registry_dir: Path, rows: int = 3000) -> pl.DataFrame:
    """Real records (valid codes only, as staging leaves them) with the delta's keys."""
    chunk = next(read_extract(registry_dir / "erd_1978_2003_sample20k.csv", rows))
    checked = chunk.filter(pl.col("credit_code").str.len_chars() == 18)
    return checked.with_columns(pl.col("credit_code").str.strip_chars().str.to_uppercase(), pl.lit(1).cast(pl.Int32).alias("version"),
                                pl.lit("new").alias("change"), pl.lit("h").alias("content_hash"),
                                pl.lit(False).alias("abnormal_flag"))


@pytest.mark.shared_data
def test_a_staged_part_is_screened_as_check_screens_it(registry_dir, screener):
    """The worker skips the checks staging already made (validated): same verdicts and hits as the full
    screening of the same records, which the rules' tests hold to the labelled sets."""
    part = staged_part(registry_dir)
    full = screen_frame(screener, part.select(pl.exclude("version", "change", "content_hash", "abnormal_flag")))
    loadable = full.filter(pl.col("rejected").is_null())["record"]
    part = part.filter(pl.col("record").is_in(loadable.implode()))
    mine = parts.screen_chunk(screener, part)
    oracle = full.filter(pl.col("record").is_in(loadable.implode()))
    assert mine.height == oracle.height > 2000
    for column in ("flagged", "attention", "use", "exempt", "region", "region_source", "hits"):
        assert mine[column].to_list() == oracle[column].to_list(), column
    assert mine["flagged"].sum() > 10


def test_a_part_is_written_as_two_files_and_a_small_summary(tmp_path, screener):
    part = tmp_path / "part-00000.parquet"
    pl.DataFrame({"record": [1, 2], "credit_code": ["91310115MA00000017", "91310115MA00000025"],
                  "name": ["上海甲投资管理有限公司", "上海乙科技有限公司"], "scope": ["投资管理", "技术开发"],
                  "version": [1, 1], "change": ["new", "new"], "content_hash": ["a", "b"],
                  "abnormal_flag": [False, True]}, schema_overrides={"version": pl.Int32}).with_columns(
        *[pl.lit(None, pl.Utf8).alias(c) for c in ("address", "province", "district", "legal_rep", "status",
                                                    "registered_on", "capital", "abnormal", "shareholders",
                                                    "company_type", "source_file", "source_line", "raw", "problem",
                                                    "registration_number")]
    ).write_parquet(part)
    results = tmp_path / "results"
    results.mkdir()
    summary = parts.screen_part(screener, part, results)
    assert (summary["part"], summary["firms"], summary["flagged"]) == ("part-00000.parquet", 2, 1)
    assert summary["hits"] >= 1 and set(summary) == {"part", "firms", "hits", "flagged", "seconds", "pid"}
    firms, hits = result_paths(results, part)
    assert screened(results, part) and sorted(p.name for p in results.iterdir()) == [firms.name, hits.name]
    rows = pl.read_parquet(firms)
    assert rows.columns == list(parts.FIRM_COLUMNS)
    assert rows.select("credit_code", "flagged", "counting_hits", "lead_category").row(0) == (
        "91310115MA00000017", True, 2, "资产管理及跨界金融")  # 投资管理 in the name and in the scope
    assert pl.read_parquet(hits)["term"].to_list()[0] == "投资管理"
