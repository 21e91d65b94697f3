"""Logging in and out, who is asking, what their role allows, and the CSRF token of every form.

- The session cookie (``regscreen_session``) is HttpOnly and SameSite=Strict, Secure when the request
  came over HTTPS (behind the reverse proxy, from its X-Forwarded-Proto). It carries a random token;
  the accounts file keeps its hash (:mod:`screening.web.sessions`).
- Anonymous requests to a page are redirected (303) to ``/login``.
- Every form of the pages carries ``csrf_token``: the session's token, or before login the token of
  the login cookie (double submit). A form POST without the right one gets 403. The check is a
  dependency of the pages' POST routes only: routers added beside them (the applications API with
  its bearer keys and no cookies) are not touched.
"""

from hmac import compare_digest
import re
import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from screening.errors import AccessDenied
from screening.handoff.labels import USER_ROLE
from screening.web import accounts, sessions
from screening.web.config import WebConfig
from screening.web.sessions import Session
from screening.web.templating import TEMPLATES

SESSION_COOKIE = "regscreen_session"
LOGIN_COOKIE = "regscreen_login"
LOGIN_FAILED = {"wrong password": "用户名或密码错误", "unknown user": "用户名或密码错误",
                "disabled": "该账户已停用，请联系主管",
                "locked": f"连续{accounts.MAX_FAILURES}次登录失败，账户已锁定{accounts.LOCK_MINUTES}分钟，请稍后再试或请主管重设密码"}

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")

router = APIRouter()


class LoginRequired(Exception):
    """An anonymous request to a page: answered with a redirect to /login."""


def config_of(request: Request) -> WebConfig:
    return request.app.state.config


def current_session(request: Request) -> Session:
    """The signed-in user's session, or LoginRequired."""
    config = config_of(request)
    found = sessions.find(config.accounts, request.cookies.get(SESSION_COOKIE), config.idle_timeout)
    if found is None:
        raise LoginRequired()
    request.state.session = found
    return found


def form_token(csrf_token: str = Form("")) -> str:
    return csrf_token


def checked_form(session: Session = Depends(current_session), token: str = Depends(form_token)) -> Session:
    """The session of a form POST whose csrf_token is the session's; AccessDenied (403) otherwise."""
    if not token or not compare_digest(token.encode(), session.csrf_token.encode()):
        raise AccessDenied("表单缺少有效的 csrf_token（页面已过期？请刷新后重试） / missing or invalid CSRF token")
    return session


def require(role: str):
    """A dependency: the checked form's session when its user has at least ``role``, else 403."""
    def allowed(session: Session = Depends(checked_form)) -> Session:
        if not session.user.can(role):
            raise AccessDenied(f"当前账户（{USER_ROLE[session.user.role]}）无权执行此操作，需要{USER_ROLE[role]}权限")
        return session
    return allowed


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None, path: str = "/"):
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")


def login_page(request: Request, error: str | None = None, status: int = 200, username: str = "") -> Response:
    kept = request.cookies.get(LOGIN_COOKIE) or ""
    token = kept if TOKEN.fullmatch(kept) else secrets.token_urlsafe(32)  # one token per browser: tabs keep working
    response = TEMPLATES.TemplateResponse(request, "login.html", {"csrf_token": token, "error": error,
                                                                  "username": username}, status_code=status)
    set_cookie(request, response, LOGIN_COOKIE, token, 3600, path="/login")
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    return login_page(request)


@router.post("/login")
def login(request: Request, username: str = Form("", max_length=200), password: str = Form("", max_length=1024),
          csrf_token: str = Depends(form_token)) -> Response:
    expected = request.cookies.get(LOGIN_COOKIE) or ""
    if not csrf_token or not expected or not compare_digest(csrf_token.encode(), expected.encode()):
        raise AccessDenied("登录表单缺少有效的 csrf_token，请重新打开登录页 / missing or invalid CSRF token")
    config = config_of(request)
    client = request.client.host if request.client else None
    user, outcome = accounts.authenticate(config.accounts, username, password, client)
    if user is None:
        return login_page(request, LOGIN_FAILED[outcome], 401, username)
    token, _ = sessions.start(config.accounts, user, config.session_lifetime)
    response = RedirectResponse("/", status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token, int(config.session_lifetime.total_seconds()))
    response.delete_cookie(LOGIN_COOKIE, path="/login", httponly=True, samesite="strict")
    return response


@router.post("/logout")
def logout(request: Request, session: Session = Depends(checked_form)) -> Response:
    sessions.end(config_of(request).accounts, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response
