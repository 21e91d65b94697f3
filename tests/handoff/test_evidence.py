"""The evidence a hand-off row and a pushed entry carry, as text for a clerk and as JSON."""

import pytest

from screening.handoff import evidence
from screening.handoff.labels import exempt_evidence_label, exempt_reason_label, status_label
from screening.rules.regulators import load_regulators
from screening.settings import get_settings

REGULATORS = load_regulators(get_settings().keywords_dir)


def hit(term="投资管理", field="scope", start=0, end=4, counts=True, use=None, use_reason=None, lst="national",
        obfuscated=None, regulators=("金融办", "人民银行")) -> dict:
    return {"term": term, "field": field, "start": start, "end": end, "counts": counts, "use": use,
            "use_reason": use_reason, "list": lst, "list_version": "v1", "source": "s", "category": "c",
            "regulators": list(regulators), "action": "watch" if counts else "suspend", "obfuscated": obfuscated}


@pytest.mark.parametrize("hits, with_use, text", [
    ([hit()], True, "投资管理（经营范围第1–4字，主张；national）"),
    ([hit(use="mention", use_reason="为…提供")], True, "投资管理（经营范围第1–4字，仅提及：为…提供；national）"),
    ([hit(), hit(lst="jiangsu")], True, "投资管理（经营范围第1–4字，主张；national、jiangsu）"),
    ([hit(field="name", start=3, end=7), hit()], True, "投资管理（名称第4–7字，主张；national）；投资管理（经营范围第1–4字，主张；national）"),
    ([hit(term="P2P", obfuscated="look-alike letters")], True, "P2P（经营范围第1–4字，主张，隐写：look-alike letters；national）"),
    ([hit(term="控股", field="name", counts=False, lst="beijing_name_suspension")], True,
     "控股（名称第1–4字，暂停类字样；beijing_name_suspension）"),
    ([hit(use="claim", use_reason="名称行业词")], False, "投资管理（经营范围第1–4字；national）"),  # a licensed firm
    ([], True, ""),
])
def test_hits_as_a_clerk_reads_them(hits, with_use, text):
    assert evidence.hits_text(hits, with_use) == text


@pytest.mark.parametrize("hits, lead, copied", [
    ([hit(regulators=("银监局", "金融办"))], "银监局", ["金融办"]),
    ([hit(regulators=("银监局", "金融办")), hit(regulators=("人民银行",))], "银监局", ["金融办", "人民银行"]),
    ([hit(regulators=("银保监局",)), hit(regulators=("金融办",))], "金融办", ["银监局"]),  # by the entries' names
    ([hit(regulators=("金融办",), counts=False)], "金融办", []),  # a suspension term copies nobody
    ([hit(regulators=("金融办",))], "金融办", []),
])
def test_the_regulators_copied(hits, lead, copied):
    assert evidence.regulators_copied(hits, lead, REGULATORS) == copied


def test_terms_as_json_treat_an_unjudged_counting_hit_as_a_claim():
    (claim, suspension) = evidence.term_entries([hit(), hit(counts=False)])
    assert (claim["use"], suspension["use"]) == ("claim", None)
    assert set(claim) == set(evidence.TERM_KEYS) and "regulators" not in claim


@pytest.mark.parametrize("label, value, expected", [
    ("reason", "licensed institution (国有大型商业银行)", "持牌金融机构（国有大型商业银行）"),
    ("reason", "licensed bank or bank branch (reserved name form)", "持牌金融机构：银行或其分支机构（依法须经批准的名称）"),
    ("reason", "licensed credit cooperative (reserved name form)", "持牌金融机构：信用合作机构（依法须经批准的名称）"),
    ("reason", "something new", "something new"),  # never dropped
    ("evidence", "nfra_banking_institutions.csv row 5: 中国工商银行股份有限公司 (registered name)",
     "名录 nfra_banking_institutions.csv 第 5 行：中国工商银行股份有限公司（名称与登记一致）"),
    ("evidence", "pbc_payment_institutions.csv row 12: 支付宝（中国）网络技术有限公司 (branch of registered parent)",
     "名录 pbc_payment_institutions.csv 第 12 行：支付宝（中国）网络技术有限公司（上级机构已登记，本企业为其分支机构）"),
    ("evidence", "name contains 信用合作社; no register entry", "名称含“信用合作社”（名录中无此机构）"),
    ("evidence", None, ""),
])
def test_exemptions_in_chinese(label, value, expected):
    assert (exempt_reason_label if label == "reason" else exempt_evidence_label)(value) == expected


@pytest.mark.parametrize("status, after_change, label", [
    ("new", False, "新列入"), ("continuing", False, "继续监管"), ("changed", False, "登记变更"),
    ("cleared", False, "移出"), ("cleared", True, "登记变更后移出"), ("exempt", False, "豁免(持牌)"),
    ("missing", False, "本期未见"), ("other", False, "other"), (None, False, ""),
])
def test_status_labels(status, after_change, label):
    assert status_label(status, after_change) == label
