"""待审队列: the queue's filters, search and paging (screening.web.queue over sql/web/review_queue.sql)."""

from dataclasses import replace
from urllib.parse import parse_qsl

import pytest

from screening.errors import UsageError
from screening.store.decisions import decide
from screening.web.queue import Filters, filters_of, queue_page
from web_scenario import CROWD, EVIL, HOLD, MASKED, P2P, PAY, PLAIN, SIBLING, TARGET, WEALTH, built, copied

ACTIVE = [P2P, CROWD, PAY, WEALTH, TARGET, SIBLING, MASKED, EVIL, HOLD]  # by priority


@pytest.fixture
def store(built, tmp_path):
    return copied(built, tmp_path)


def codes(db, page_size: int = 50, **chosen) -> list[str]:
    return [row["credit_code"] for row in queue_page(db, Filters(**chosen), page_size)["rows"]]


@pytest.mark.parametrize("chosen, expected", [
    ({}, ACTIVE),
    ({"regulator": "银监局"}, [P2P]),
    ({"regulator": "证监局"}, [CROWD]),
    ({"regulator": "人民银行"}, [PAY]),
    ({"regulator": "保监局"}, []),
    ({"province": "11"}, [CROWD, MASKED, HOLD]),
    ({"province": "32"}, [WEALTH]),
    ({"province": "44"}, []),
    ({"province": "11", "region": "110108"}, [CROWD, HOLD]),
    ({"region": "110105"}, [MASKED]),
    ({"category": "P2P网络借贷"}, [P2P]),
    ({"category": "资产管理及跨界金融"}, [WEALTH, TARGET, SIBLING, MASKED, EVIL]),
    ({"use": "claim"}, [P2P, CROWD, PAY, WEALTH, TARGET, SIBLING, MASKED, EVIL]),  # the held firm has no counting hit
    ({"status": "new"}, ACTIVE),
    ({"status": "changed"}, []),
    ({"abnormal": "1"}, [P2P]),
    ({"abnormal": "0"}, ACTIVE[1:]),
    ({"hold": "1"}, [HOLD]),
    ({"hold": "0"}, ACTIVE[:-1]),
    ({"q": "理财"}, [SIBLING]),
    ({"q": "<script>"}, [EVIL]),
    ({"q": "%"}, []),  # a LIKE wildcard is a character here
    ({"q": "_"}, []),
    ({"q": TARGET.lower()}, [TARGET]),
    ({"q": "91110"}, [CROWD, MASKED, HOLD]),  # a code prefix
    ({"q": PLAIN}, []),  # not on the watch list
    ({"province": "31", "category": "资产管理及跨界金融", "abnormal": "0"}, [TARGET, SIBLING, EVIL]),
])
def test_filters(built, chosen, expected):
    assert codes(built / "registry.duckdb", **chosen) == expected


def test_a_decided_firm_leaves_the_queue_and_the_decided_filter_finds_it(store):
    decide(store, TARGET, "confirm", "核实", "analyst1")
    assert TARGET not in codes(store)
    assert codes(store, decided="1") == [TARGET]
    # 延伸监管: the firm sharing the shareholder 李四 with the confirmed firm moves up, after the abnormal one
    assert codes(store, decided="all") == [P2P, SIBLING, CROWD, PAY, WEALTH, TARGET, MASKED, EVIL, HOLD]
    decide(store, TARGET, "reopen", "证据不足", "boss1")
    assert TARGET in codes(store) and codes(store, decided="1") == []


def test_paging_covers_every_firm_once_in_priority_order(built):
    db = built / "registry.duckdb"
    pages = [queue_page(db, Filters(page=n), 4) for n in (1, 2, 3, 4)]
    assert [p["total"] for p in pages[:3]] == [9, 9, 9] and pages[0]["pages"] == 3
    assert [r["credit_code"] for p in pages for r in p["rows"]] == ACTIVE
    assert pages[3]["rows"] == []  # past the end: an empty page, not an error


def test_the_filters_offer_what_the_list_holds(built):
    options = queue_page(built / "registry.duckdb", Filters(province="11"), 50)["options"]
    assert dict(options["regulator"]) == {"金融办": 5, "银监局": 1, "证监局": 1, "人民银行": 1}
    assert options["province"] == [("11", "北京市", 3), ("31", "上海市", 5), ("32", "江苏省", 1)]
    assert options["region"] == [("110105", "北京市朝阳区", 1), ("110108", "北京市海淀区", 2)]


@pytest.mark.parametrize("query, message", [
    ({"page": "0"}, "page"), ({"page": "-1"}, "page"), ({"page": "abc"}, "page"), ({"page": "9" * 20}, "page"),
    ({"province": "1"}, "province"), ({"province": "北京"}, "province"), ({"region": "11010"}, "region"),
    ({"regulator": "公安局"}, "regulator"), ({"use": "both"}, "use"), ({"status": "cleared"}, "status"),
    ({"decided": "yes"}, "decided"), ({"abnormal": "true"}, "abnormal"), ({"q": "x" * 101}, "q"),
])
def test_a_filter_that_cannot_be_one_is_refused_naming_it(query, message):
    with pytest.raises(UsageError, match=message):
        filters_of(query)


def test_filters_round_trip_through_their_links():
    chosen = filters_of({"regulator": "金融办", "province": "31", "q": " 投资 ", "page": "3", "hold": "0"})
    assert chosen == Filters(regulator="金融办", province="31", q="投资", page=3, hold="0")
    link = chosen.link(page=4)
    parsed = filters_of(dict(parse_qsl(link[1:])))
    assert parsed == replace(chosen, page=4)
    assert "page" not in chosen.link()  # a new filter starts again at page 1
