"""A synthetic registry of persons and firms for 延伸监管：重点抽查 (沪府办〔2016〕46号 附件8 四(二)3–4), shared by
the store, hand-off, counter and CLI tests. Run 1 loads the firms; the analyst confirms A and B (and M,
whose people are masked at the source); run 2 brings new firms without any term; run 3 more.

People: 孙二 (with an ID) and 钱三 hold shares in A and B (two confirmed firms: of interest at threshold 2);
吴五 in B only (of interest at threshold 1 only); 赵一 is A's legal representative (restricted once A is
revoked, 吊销, after its confirmation); 周四 is B's legal representative (B never revoked: never restricted).
"""

from datetime import date
from pathlib import Path
import shutil

import pytest
from stdnum.cn import uscc

from conftest import write_csv
from screening.store.decisions import decide
from screening.store.scan import scan


def code(base: str) -> str:
    return base + uscc.calc_check_digit(base)


ID = "11010519491231002X"
MASKED_ID = "110105********002X"
SUN = f"孙二({ID})"
SUN_SHOWN = f"孙二({MASKED_ID})"
HEADER = ["企业名称", "统一社会信用代码", "经营范围", "法定代表人", "股东", "登记状态"]
A, B, C, M = (code(f"91310115MA000020{n}") for n in range(1, 5))
N_SUN, N_SUN_NO_ID, N_MASKED, N_WU, N_QIAN_REP, N_PLAIN, N_ZHAO, N_LATER = (
    code(f"91310115MA000030{n}") for n in range(1, 9))
FIRST = [
    ["上海甲投资管理有限公司", A, "投资管理；企业管理咨询", "赵一", f"{SUN}；钱三", "存续"],
    ["上海乙理财顾问有限公司", B, "理财咨询；技术开发", "周四", f"{SUN}、钱三、吴五", "存续"],
    ["上海丙财富管理有限公司", C, "财富管理", "郑六", "吴五", "存续"],
    ["上海丁金融信息服务有限公司", M, "金融信息服务", "王*", "王*；李＊；张××；刘某", "存续"],
]
A_REVOKED = ["上海甲投资管理有限公司", A, "投资管理；企业管理咨询", "赵一", f"{SUN}；钱三", "吊销，未注销"]
SECOND = FIRST[1:] + [
    A_REVOKED,
    ["上海戊科技有限公司", N_SUN, "技术开发；技术咨询", "冯七", SUN, "存续"],             # raised: 孙二 (ID)
    ["上海己科技有限公司", N_SUN_NO_ID, "技术开发", "陈八", "孙二", "存续"],             # 孙二 without ID: another person
    ["上海庚科技有限公司", N_MASKED, "技术开发", "王*", "钱*；孙*", "存续"],             # masked: links nothing
    ["上海辛科技有限公司", N_WU, "技术开发", "褚九", "吴五", "存续"],                   # 吴五: one confirmed firm
    ["上海壬科技有限公司", N_QIAN_REP, "技术开发", "钱三", "卫十", "存续"],              # raised: 钱三 as legal rep
    ["上海癸科技有限公司", N_PLAIN, "技术开发", "蒋一", "沈二", "存续"],                # nobody of interest
    ["上海子科技有限公司", N_ZHAO, "技术开发", "赵一", "韩三", "存续"],                 # raised: 赵一 restricted
]
THIRD = SECOND + [["上海丑科技有限公司", N_LATER, "技术开发", "杨四", SUN, "存续"]]


class Registry:
    """The scenario's store in a folder: scan the runs, decide."""

    def __init__(self, folder: Path, screener, min_confirmed: int = 2):
        self.dir, self.db, self.screener, self.min_confirmed = folder, folder / "registry.duckdb", screener, min_confirmed

    def scan(self, rows: list[list[str]], run: int):
        path = write_csv(self.dir / f"extract{run}.csv", [HEADER, *rows])
        return scan(path, self.db, self.screener, as_of=date(2024, 3, run), min_confirmed=self.min_confirmed)

    def decide(self, credit_code: str, decision: str = "confirm"):
        return decide(self.db, credit_code, decision, "核实：未经许可从事金融活动", "analyst", self.min_confirmed)

    def confirmed(self):
        """Run 1, then A, B and M confirmed."""
        self.scan(FIRST, 1)
        for firm in (A, B, M):
            self.decide(firm)
        return self


@pytest.fixture(scope="module")
def second_run(tmp_path_factory, screener) -> Registry:
    """Runs 1 and 2 at the default threshold (2), A, B and M confirmed between them (built once per module)."""
    registry = Registry(tmp_path_factory.mktemp("interest"), screener).confirmed()
    registry.scan(SECOND, 2)
    return registry


@pytest.fixture
def registry(second_run, tmp_path, screener) -> Registry:
    """A copy of the two-run store (with its secret and snapshot) to change."""
    for path in second_run.dir.glob("registry*"):
        shutil.copy2(path, tmp_path / path.name)
    return Registry(tmp_path, screener)
