"""Licensed institutions are exempt, with evidence from registers or reserved name forms."""

import hashlib

import pytest

from screening.rules.exemptions import ExemptionChecker
from screening.settings import get_settings

REGISTERS = get_settings().registers_dir


@pytest.fixture(scope="module")
def checker() -> ExemptionChecker:
    return ExemptionChecker(REGISTERS)


# (name, expected reason fragment, or None when not exempt)
CASES = [
    ("中国工商银行股份有限公司武汉武珞路支行", "licensed institution (国有大型商业银行)"),
    ("中国邮政储蓄银行股份有限公司某某营业所", "licensed institution"),
    ("支付宝支付科技有限公司", "非银行支付机构"),
    ("中国东方资产管理股份有限公司湖南省分公司", "金融资产管理公司"),
    ("中国工商银行武汉市分行", "bank or bank branch (reserved name form)"),
    ("某某县农村信用合作社", "credit cooperative"),
    ("某某农村商业银行股份有限公司城关支行", "licensed"),
    ("中国人寿保险股份有限公司北京分公司", "insurer"),
    ("国泰君安证券股份有限公司上海某某路证券营业部", "securities"),
    ("某某期货经纪有限公司", "futures"),
    ("某某国际信托投资公司", "trust"),
    ("某某集团财务有限公司", "group finance company"),
    # must not be exempt: only mentions finance, or looks like a reserved form but is not one
    ("某某银行设备有限公司", None),
    ("某某保险代理有限公司", None),
    ("湖州市环城经济区供销合作社", None),
    ("中国邮政集团公司某某支局", None),
    ("湖南国富资产管理有限公司", None),
    ("某某财务咨询有限公司", None),
    ("上海诺诺镑客金融信息服务有限公司", None),
]


@pytest.mark.parametrize("name, reason", CASES)
def test_exemption_cases(checker, name, reason):
    exemption = checker.check(name)
    if reason is None:
        assert exemption is None
    else:
        assert exemption is not None and reason in exemption.reason and exemption.evidence


def test_register_evidence_names_the_file_and_row(checker):
    exemption = checker.check("中国进出口银行")
    assert exemption.evidence.startswith("nfra_banking_institutions.csv row 3: 中国进出口银行")


@pytest.mark.parametrize("filename, sha256", [
    ("nfra_banking_institutions.csv", "864baae862060d56a80a22b3036dc6dc34a6602de627d4df7283c34d44391aba"),
    ("pbc_payment_institutions.csv", "b1d3a5089289eb4ae5c902d6559c0fe409d10ec945add54af1c962f540c3adc4"),
])
def test_register_copies_match_their_source(filename, sha256):
    assert hashlib.sha256((REGISTERS / filename).read_bytes()).hexdigest() == sha256
    assert filename in (REGISTERS / "SOURCE.md").read_text(encoding="utf-8")
