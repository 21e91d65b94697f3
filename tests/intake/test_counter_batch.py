"""Batches of applications from files (screening.intake.batch): every row answered or given its error."""

import pytest

from conftest import write_csv
from screening.errors import ExtractError
from screening.intake.batch import read_batch


def kinds(path) -> list:
    return [(item.row, item.application.kind if item.application else "error") for item in read_batch(path)]


@pytest.mark.parametrize("written,kind", [("new", "new"), ("设立", "new"), ("设立登记", "new"), ("change", "change"),
                                          ("变更", "change"), ("迁入", "move_in"), ("MOVE_IN", "move_in")])
def test_kinds_in_english_or_chinese(tmp_path, written, kind):
    previous = "北京甲科技有限公司" if kind == "change" else ""
    path = write_csv(tmp_path / "a.csv", [["类型", "地区代码", "名称", "原名称"], [written, "110105", "北京某某科技有限公司", previous]])
    assert kinds(path) == [(1, kind)]


@pytest.mark.parametrize("written,approved", [("", False), ("否", False), ("0", False), ("false", False), ("是", True),
                                              ("1", True), ("TRUE", True), ("yes", True)])
def test_approved_values(tmp_path, written, approved):
    path = write_csv(tmp_path / "a.csv", [["kind", "region", "name", "approved"], ["迁入", "110105", "北京某某公司", written]])
    [item] = read_batch(path)
    assert item.application.approved is approved


def test_rows_mixing_utf8_and_gb18030_are_each_read_right(tmp_path):
    names = ["北京华信投资有限公司", "北京市朝阳区张三小吃店", "北京宏远科技发展有限公司", "北京京城物业管理有限公司"]
    path = tmp_path / "a.csv"
    path.write_bytes("kind,region,name,scope\n".encode()
                     + "".join(f"new,110105,{n},技术开发；经济信息咨询\n" for n in names).encode("gb18030")
                     + "new,110105,北京某某資本有限公司,技术开发\n".encode("utf-8"))
    assert [item.application.name for item in read_batch(path)] == names + ["北京某某資本有限公司"]


def test_a_gb18030_file_with_chinese_headers(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["申请编号", "申请类型", "地区代码", "名称", "经营范围"],
                                          ["X-1", "设立", "110105", "北京某某控股有限公司", "企业管理；投资咨询"]], encoding="gb18030")
    [item] = read_batch(path)
    assert (item.id, item.application.name, item.application.scope) == ("X-1", "北京某某控股有限公司", "企业管理；投资咨询")


def test_blank_lines_are_skipped_and_a_quoted_multiline_scope_is_one_row(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text('kind,region,name,scope\n\nnew,110105,北京某某公司,"技术开发；\n投资咨询"\n\n'
                    "new,110105,北京某某二公司,\n", encoding="utf-8")
    items = list(read_batch(path))
    assert [(i.row, i.application.scope) for i in items] == [(1, "技术开发；\n投资咨询"), (2, None)]


def test_a_big5_file_is_refused_whole(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(("kind,region,name\n" + "new,110105,臺北某某投資顧問股份有限公司\n" * 20).encode("big5"))
    with pytest.raises(ExtractError, match="Big5"):
        list(read_batch(path))


@pytest.mark.parametrize("content,message", [(b"", "empty file"), (b"name,scope\n", "no kind column")])
def test_a_file_that_is_no_batch_is_refused_naming_the_fix(tmp_path, content, message):
    path = tmp_path / "a.csv"
    path.write_bytes(content)
    with pytest.raises(ExtractError, match=message):
        list(read_batch(path))


def test_a_missing_file(tmp_path):
    with pytest.raises(ExtractError, match="no such file"):
        read_batch(tmp_path / "absent.csv")
