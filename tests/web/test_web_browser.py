"""The workspace in a real browser: Debian's Chromium (``/usr/bin/chromium``, never a downloaded one)
driven by Playwright, against a real ``regscreen serve`` on a free loopback port.

An analyst logs in, filters the queue, opens a firm, confirms it and sees it leave the queue; an
anonymous visit goes to /login; a wrong password fails; a form without its CSRF token and a viewer's
decision get 403; a firm named with <script> is shown as text and runs nothing; the session cookie is
HttpOnly and SameSite=Strict. The browser takes screenshots of the queue and of a firm page (into
tmp_path; with REGSCREEN_SCREENSHOTS=DIR also into DIR, which is how docs/screenshots/ is made).

Without Chromium the tests skip with the reason, except under CI (``CI`` set), where they fail.
"""

import os
from pathlib import Path
import shutil
import sys
import urllib.request

import pytest

from web_scenario import EVIL, EVIL_NAME, P2P, TARGET, USERS, build_store, served

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]


def need_chromium() -> None:
    if CHROMIUM.exists():
        return
    why = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium fonts-noto-cjk), as .ci/run does"
    if os.environ.get("CI"):
        pytest.fail(why)
    pytest.skip(why)


@pytest.fixture(scope="module")
def server(tmp_path_factory, screener):
    need_chromium()
    folder = tmp_path_factory.mktemp("browser")
    db = build_store(folder, screener)  # its accounts with cheap argon2: the server rehashes them at first login
    with served(db) as base:
        yield base, db


@pytest.fixture(scope="module")
def browser(tmp_path_factory, server):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh --user-data-dir
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=FLAGS, locale="zh-CN",
            viewport={"width": 1400, "height": 900})
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser, server):
    browser.clear_cookies()
    opened = browser.new_page()
    opened.dialogs = []
    opened.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message), dialog.dismiss()))
    yield opened
    opened.close()


def log_in(page, base: str, role: str) -> None:
    name, password = USERS[role]
    page.goto(base + "/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form[action='/login'] button[type=submit]")
    assert page.url == base + "/", page.content()


def submit_form(page, action: str, fields: dict) -> int:
    """Post a form the page did not offer (as a forged or hand-made request would), from the page's own
    origin; the status of the answer."""
    with page.expect_navigation() as navigation:
        page.evaluate("""([action, fields]) => {
            const form = document.createElement('form');
            form.method = 'post'; form.action = action;
            for (const [name, value] of Object.entries(fields)) {
                const input = document.createElement('input');
                input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
            }
            document.body.appendChild(form); form.submit();
        }""", [action, fields])
    return navigation.value.status


def screenshot(page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    target = os.environ.get("REGSCREEN_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / name)
    return path


def queue_codes(page) -> list[str]:
    return page.locator("table.queue tbody tr td:nth-child(2)").all_inner_texts()


def test_an_anonymous_visit_goes_to_login(page, server):
    base, _ = server
    for path in ("/", f"/firms/{TARGET}", "/runs"):
        page.goto(base + path)
        assert page.url == base + "/login"
    assert page.locator("h1").inner_text() == "登录"


def test_a_wrong_password_fails(page, server):
    base, _ = server
    page.goto(base + "/login")
    page.fill("input[name=username]", USERS["analyst"][0])
    page.fill("input[name=password]", "not-the-password")
    with page.expect_navigation() as navigation:
        page.click("form[action='/login'] button[type=submit]")
    assert navigation.value.status == 401 and page.url == base + "/login"
    assert page.locator(".error").inner_text() == "用户名或密码错误"
    assert "regscreen_session" not in {c["name"] for c in page.context.cookies()}


def test_the_session_cookie_is_httponly_and_strict(page, server):
    base, _ = server
    log_in(page, base, "viewer")
    cookie = next(c for c in page.context.cookies() if c["name"] == "regscreen_session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert page.evaluate("document.cookie") == ""  # no script can read it


def test_log_in_filter_open_a_firm_confirm_it_and_see_it_leave_the_queue(page, server, tmp_path):
    base, db = server
    log_in(page, base, "analyst")
    assert queue_codes(page)[0] == P2P  # the abnormal P2P platform first
    screenshot(page, tmp_path, "queue.png")
    page.select_option("select[name=province]", "31")
    page.select_option("select[name=category]", "资产管理及跨界金融")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert "province=31" in page.url and TARGET in queue_codes(page) and P2P not in queue_codes(page)
    with page.expect_navigation():
        page.click(f"table.queue a[href='/firms/{TARGET}'] >> nth=0")
    assert page.url == f"{base}/firms/{TARGET}"
    assert page.locator("section.version mark.plan").first.inner_text() == "投资管理"
    screenshot(page, tmp_path, "firm.png")
    page.check("input[name=decision][value=confirm]")
    page.fill("textarea[name=reason]", "经核实，实际从事投资管理业务")
    with page.expect_navigation():
        page.click("form.decision button[type=submit]")
    assert page.locator(".notice").inner_text() == "已保存：确认。"
    assert "确认（analyst1，" in page.locator("section.watch").inner_text()
    page.goto(base + "/?province=31")
    assert TARGET not in queue_codes(page)
    page.goto(base + "/?decided=1")
    assert TARGET in queue_codes(page)


def test_a_form_without_its_csrf_token_gets_403(page, server):
    base, _ = server
    log_in(page, base, "analyst")
    page.goto(f"{base}/firms/{EVIL}")
    status = submit_form(page, f"/firms/{EVIL}/decision", {"decision": "dismiss", "reason": "伪造的请求"})
    assert status == 403 and "csrf_token" in page.locator(".error").inner_text()
    page.goto(f"{base}/firms/{EVIL}")
    assert "尚无决定（待审）" in page.locator("section.watch").inner_text()


def test_a_viewers_decision_gets_403(page, server):
    base, _ = server
    log_in(page, base, "viewer")
    page.goto(f"{base}/firms/{EVIL}")
    assert page.locator("form.decision").count() == 0 and "只读账户" in page.content()
    token = page.locator("form[action='/logout'] input[name=csrf_token]").get_attribute("value")
    status = submit_form(page, f"/firms/{EVIL}/decision", {"decision": "confirm", "reason": "只读账户试图决定",
                                                           "csrf_token": token})
    assert status == 403 and "分析员" in page.locator(".error").inner_text()


def test_a_firm_named_with_script_is_shown_as_text(page, server):
    base, _ = server
    log_in(page, base, "viewer")
    page.goto(base + "/?q=" + "script")
    assert EVIL_NAME in page.locator("table.queue").inner_text()
    page.goto(f"{base}/firms/{EVIL}")
    assert EVIL_NAME in page.locator("h1").inner_text()
    assert "<b>投资咨询</b>" in page.locator("section.version").first.inner_text()  # markup in the scope is text too
    assert page.locator("h1 script").count() == 0 and page.dialogs == []
    assert page.evaluate("document.scripts.length") == 0


def test_logging_out_ends_the_session(page, server):
    base, _ = server
    log_in(page, base, "viewer")
    with page.expect_navigation():
        page.click("form[action='/logout'] button[type=submit]")
    assert page.url == base + "/login"
    page.goto(base + "/")
    assert page.url == base + "/login"


def test_behind_the_tls_proxy_the_cookies_are_secure(server):
    """uvicorn trusts X-Forwarded-Proto from the proxy on 127.0.0.1 (README: nginx), so cookies get Secure."""
    base, _ = server
    for proto, secure in (("https", True), ("http", False)):
        request = urllib.request.Request(base + "/login", headers={"X-Forwarded-Proto": proto})
        with urllib.request.urlopen(request, timeout=10) as answer:
            cookie = answer.headers["set-cookie"]
        assert cookie.startswith("regscreen_login=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert ("Secure" in cookie) is secure


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), (None, pytest.skip.Exception)])
def test_without_chromium_the_tests_skip_but_fail_under_ci(monkeypatch, tmp_path, ci, outcome):
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", tmp_path / "no-chromium")
    if ci:
        monkeypatch.setenv("CI", ci)
    else:
        monkeypatch.delenv("CI", raising=False)
    with pytest.raises(outcome, match="apt-get install chromium"):
        need_chromium()
