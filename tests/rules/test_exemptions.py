"""Licensed institutions are exempt, with evidence from registers or reserved name forms."""

import hashlib

import pytest

from screening.rules.exemptions import ExemptionChecker
from screening.settings import get_settings

REGISTERS = get_settings().registers_dir


@pytest.fixture(scope="module")
def checker() -> ExemptionChecker:
    return ExemptionChecker(REGISTERS)


# (name, expected reason, expected evidence), both None when the firm is not exempt
CASES = [
    ("中国工商银行股份有限公司武汉武珞路支行", "licensed institution (国有大型商业银行)",
     "nfra_banking_institutions.csv row 5: 中国工商银行股份有限公司 (branch of registered parent)"),
    ("中国邮政储蓄银行股份有限公司某某营业所", "licensed institution (国有大型商业银行)",
     "nfra_banking_institutions.csv row 10: 中国邮政储蓄银行股份有限公司 (branch of registered parent)"),
    ("支付宝支付科技有限公司", "licensed institution (非银行支付机构)",
     "pbc_payment_institutions.csv row 2: 支付宝支付科技有限公司 (registered name)"),
    ("中国东方资产管理股份有限公司湖南省分公司", "licensed institution (金融资产管理公司)",
     "nfra_banking_institutions.csv row 3660: 中国东方资产管理股份有限公司 (branch of registered parent)"),
    ("中国工商银行武汉市分行", "licensed bank or bank branch (reserved name form)",
     "name contains 银行武汉市分行; no register entry"),
    ("某某县农村信用合作社", "licensed credit cooperative (reserved name form)",
     "name contains 信用合作社; no register entry"),
    ("某某农村商业银行股份有限公司城关支行", "licensed bank or bank branch (reserved name form)",
     "name contains 银行股份有限公司城关支行; no register entry"),
    ("中国人寿保险股份有限公司北京分公司", "licensed insurer or insurer branch (reserved name form)",
     "name contains 保险股份有限公司北京分公司; no register entry"),
    ("国泰君安证券股份有限公司上海某某路证券营业部", "licensed securities firm or branch (reserved name form)",
     "name contains 证券股份有限公司上海某某路证券营业部; no register entry"),
    ("某某期货经纪有限公司", "licensed futures firm or branch (reserved name form)",
     "name contains 期货经纪有限公司; no register entry"),
    ("某某国际信托投资公司", "licensed trust company (reserved name form)",
     "name contains 信托投资公司; no register entry"),
    ("某某集团财务有限公司", "licensed group finance company (reserved name form)",
     "name contains 集团财务有限公司; no register entry"),
    # must not be exempt: only mentions finance, or looks like a reserved form but is not one
    ("某某银行设备有限公司", None, None),
    ("某某保险代理有限公司", None, None),
    ("湖州市环城经济区供销合作社", None, None),
    ("中国邮政集团公司某某支局", None, None),
    ("湖南国富资产管理有限公司", None, None),
    ("某某财务咨询有限公司", None, None),
    ("上海诺诺镑客金融信息服务有限公司", None, None),
]


def verdict(exemption) -> tuple[str | None, str | None]:
    """(reason, evidence) of an exemption; (None, None) when the firm is not exempt."""
    return (exemption.reason, exemption.evidence) if exemption else (None, None)


@pytest.mark.parametrize("name, reason, evidence", CASES)
def test_exemption_cases(checker, name, reason, evidence):
    assert verdict(checker.check(name)) == (reason, evidence)


def test_register_evidence_names_the_file_and_row(checker):
    exemption = checker.check("中国进出口银行")
    assert exemption.evidence == "nfra_banking_institutions.csv row 3: 中国进出口银行 (registered name)"
    assert exemption.as_dict() == {"reason": "licensed institution (政策性银行)", "evidence": exemption.evidence}


@pytest.fixture(scope="module")
def small_registers(tmp_path_factory) -> ExemptionChecker:
    """Registers made here: names of 3, 4 and 5 characters, a kind given, empty and missing."""
    folder = tmp_path_factory.mktemp("registers")
    (folder / "nfra_banking_institutions.csv").write_text(
        "seq,name,type\n1,甲乙丙,村镇银行\n2,丁戊己庚,农村资金互助社\n3,辛壬癸子丑,\n4,丁戊己庚,重复的一行\n", encoding="utf-8")
    (folder / "pbc_payment_institutions.csv").write_text("license_no,name\nZ1,寅卯辰巳\nZ2,  \n", encoding="utf-8")
    return ExemptionChecker(folder)


# (name, reason, evidence) against the registers above; both None: not exempt
SMALL = [
    ("丁戊己庚", "licensed institution (农村资金互助社)", "nfra_banking_institutions.csv row 3: 丁戊己庚 (registered name)"),
    ("丁戊己庚城关营业部", "licensed institution (农村资金互助社)",
     "nfra_banking_institutions.csv row 3: 丁戊己庚 (branch of registered parent)"),  # a parent of 4 characters
    ("辛壬癸子丑", "licensed institution (银行业金融机构)",
     "nfra_banking_institutions.csv row 4: 辛壬癸子丑 (registered name)"),  # no kind given: the register's
    ("寅卯辰巳科技", "licensed institution (非银行支付机构)",
     "pbc_payment_institutions.csv row 2: 寅卯辰巳 (branch of registered parent)"),
    ("甲乙丙科技有限公司", None, None),  # a name of 3 characters is too short to stand for a parent
    ("甲乙丙", None, None),
    ("丁戊己", None, None),  # a firm named as part of a register's name is not that institution
    ("某丁戊己庚", None, None),  # the register's name must begin the firm's
]


@pytest.mark.parametrize("name, reason, evidence", SMALL)
def test_register_names_and_parents(small_registers, name, reason, evidence):
    assert verdict(small_registers.check(name)) == (reason, evidence)


def test_the_first_row_of_a_name_is_the_evidence_and_blank_names_are_skipped(small_registers):
    assert sorted(small_registers.registers) == ["丁戊己庚", "寅卯辰巳", "辛壬癸子丑"]
    assert small_registers.registers["丁戊己庚"].row == 3


@pytest.mark.parametrize("filename, sha256", [
    ("nfra_banking_institutions.csv", "864baae862060d56a80a22b3036dc6dc34a6602de627d4df7283c34d44391aba"),
    ("pbc_payment_institutions.csv", "b1d3a5089289eb4ae5c902d6559c0fe409d10ec945add54af1c962f540c3adc4"),
])
def test_register_copies_match_their_source(filename, sha256):
    assert hashlib.sha256((REGISTERS / filename).read_bytes()).hexdigest() == sha256
    assert filename in (REGISTERS / "SOURCE.md").read_text(encoding="utf-8")
