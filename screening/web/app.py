"""The workspace's FastAPI app, built by :func:`create_app` from a :class:`WebConfig`.

The pages (login, queue, firm, hand-offs, runs) are routers of their own modules; other routers (the
applications API) are added by naming them in ``EXTRA_ROUTERS`` or passing them to ``create_app``:
they share the server and the error mapping but not the pages' session, CSRF or HTML.

Errors are mapped here, once: a domain error (:class:`RegscreenError`) becomes its ``http_status`` with
its message, as a Chinese page for the pages and as JSON under ``/api/``; an anonymous page request
is redirected (303) to /login; a malformed form or query is a 400 page. No traceback reaches a user.
Every answer carries a Server-Timing header (the server's time for it, in ms) and the pages forbid
scripts, frames and anything from elsewhere (Content-Security-Policy).
"""

from collections.abc import Iterable
import logging
import time

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from screening.errors import RegscreenError
from screening.rules.regions import place_name
from screening.web import auth, firm, history, queue
from screening.web.config import WebConfig
from screening.web.templating import STATIC_DIR, TEMPLATES

log = logging.getLogger(__name__)

PAGE_ROUTERS = (auth.router, queue.router, firm.router, history.router)
EXTRA_ROUTERS: tuple[APIRouter, ...] = ()  # e.g. the applications API: (applications_api.router,)
API_PREFIX = "/api/"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
HTTP_MESSAGES = {404: "页面不存在", 405: "不支持此请求方法", 413: "请求过大"}


def create_app(config: WebConfig, routers: Iterable[APIRouter] = ()) -> FastAPI:
    """The app over ``config``: the pages, then ``EXTRA_ROUTERS`` and ``routers``."""
    app = FastAPI(title="regscreen 分析工作台", docs_url=None, redoc_url=None, openapi_url=None)
    place_name("11")  # load the place table now, not on the first page an analyst opens
    app.state.config = config
    for router in (*PAGE_ROUTERS, *EXTRA_ROUTERS, *routers):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.middleware("http")(timed_and_guarded)
    app.add_exception_handler(auth.LoginRequired, to_login)
    app.add_exception_handler(RegscreenError, domain_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
    return app


async def timed_and_guarded(request: Request, call_next) -> Response:
    started = time.perf_counter()
    response = await call_next(request)
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def error_page(request: Request, status: int, message: str) -> Response:
    if is_api(request):
        return JSONResponse({"error": message}, status_code=status)
    session = getattr(request.state, "session", None)
    return TEMPLATES.TemplateResponse(request, "error.html", {"session": session, "status": status, "message": message},
                                      status_code=status)


async def to_login(request: Request, error: Exception) -> Response:
    return RedirectResponse("/login", status_code=303)


async def domain_error(request: Request, error: RegscreenError) -> Response:
    if error.http_status >= 500:
        log.warning("%s %s: %s", request.method, request.url.path, error)
    return error_page(request, error.http_status, str(error))


async def invalid_request(request: Request, error: RequestValidationError) -> Response:
    if is_api(request):
        return await request_validation_exception_handler(request, error)
    fields = sorted({str(e["loc"][-1]) for e in error.errors() if e.get("loc")})
    return error_page(request, 400, f"请求中的字段无效：{', '.join(fields) or '?'}")


async def http_error(request: Request, error: StarletteHTTPException) -> Response:
    if is_api(request):
        return await http_exception_handler(request, error)
    return error_page(request, error.status_code, HTTP_MESSAGES.get(error.status_code, str(error.detail)))


async def unexpected(request: Request, error: Exception) -> Response:
    log.exception("%s %s failed", request.method, request.url.path)
    return error_page(request, 500, "服务器内部错误，已记录日志；请稍后重试或联系管理员")
