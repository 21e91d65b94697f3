"""The workspace shows the spot-check chain (重点抽查) on the firm page, and its decisions recompute the persons
of interest with the threshold it was given (WebConfig.interest_min_confirmed, from the settings)."""

import re
import warnings

import pytest

with warnings.catch_warnings():  # starlette's TestClient warns that it uses httpx
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from conftest import query
from interest_scenario import (A, B, ID, N_QIAN_REP, N_SUN, N_ZHAO, SUN_SHOWN, registry,  # noqa: F401 (fixtures)
                               second_run)
from screening.web.accounts import accounts_path, add_user
from screening.web.app import create_app
from screening.web.config import WebConfig
from web_scenario import cheap_hashing

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def signed_in(db, min_confirmed: int) -> tuple[TestClient, str]:
    """A supervisor's session on the workspace over ``db`` with the threshold ``min_confirmed``."""
    with cheap_hashing():
        add_user(accounts_path(db), "boss1", "supervisor", "supervisor-password")
        config = WebConfig(db=db, accounts=accounts_path(db), interest_min_confirmed=min_confirmed)
        web = TestClient(create_app(config), base_url="http://127.0.0.1", follow_redirects=False)
        token = TOKEN.search(web.get("/login").text)[1]
        web.post("/login", data={"username": "boss1", "password": "supervisor-password", "csrf_token": token})
    return web, TOKEN.search(web.get("/").text)[1]


def test_the_firm_page_shows_the_chain_and_the_masked_names_note(registry):
    web, _ = signed_in(registry.db, 2)
    page = web.get(f"/firms/{N_SUN}").text
    section = page.split('id="spot-h"')[1].split("</section>")[0]
    assert "列入抽查" in section and SUN_SHOWN in section and A in section and B in section
    assert "源数据中已脱敏的姓名（如 王*）" in section and ID not in page
    made = web.get(f"/firms/{A}").text.split('id="spot-h"')[1].split("</section>")[0]
    assert "本企业认定后形成的关注人员" in made and "赵一" in made and "被吊销企业的法定代表人" in made


@pytest.mark.parametrize("min_confirmed, left", [(2, {N_ZHAO}), (1, {N_SUN, N_QIAN_REP, N_ZHAO})])
def test_a_decision_in_the_workspace_uses_its_threshold(registry, min_confirmed, left):
    """B's confirmation reopened: 孙二 and 钱三 keep one confirmed firm (A), enough at 1, not at 2."""
    web, token = signed_in(registry.db, min_confirmed)
    answer = web.post(f"/firms/{B}/decision", data={"decision": "reopen", "reason": "证据不足", "csrf_token": token})
    assert answer.status_code == 303, answer.text
    assert {c for (c,) in query(registry.db, "select credit_code from v_spot_checks")} == left
