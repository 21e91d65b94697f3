"""``POST /api/applications/check``: the counter over HTTP, for registration systems and clerks' tools.

    POST /api/applications/check
    Authorization: Bearer rsk_…                     (``regscreen apikey add OFFICE``)
    {"kind": "new", "region": "110105", "name": "…", "scope": "…"}

answers 200 with the decision (refuse | report | pass), its reasons (``why`` in Chinese) and the list
versions, once the check is journaled. Errors, each ``{"detail": …}`` with a Chinese message:
401 (no key, an unknown or malformed key, a revoked key; ``WWW-Authenticate: Bearer``), 413 (a body
over ``max_body_bytes``, refused from its Content-Length or while it streams in, before any parsing),
422 (not JSON, or a field missing or malformed: ``detail`` lists each field's ``loc``).

:func:`applications_router` is an ``APIRouter`` to include in the workspace app; its lifespan runs the
journal's background flush (:class:`screening.intake.flusher.JournalFlusher`). :func:`counter_app`
is a minimal app around it (tests, benchmarks, a counter-only server).
"""

from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
import orjson

from screening.errors import ApplicationError, AuthError, RegscreenError, TooLarge
from screening.intake.application import parse_application_json
from screening.intake.flusher import JournalFlusher
from screening.intake.service import Asker, Counter
from screening.store.api_keys import verify

PATH = "/api/applications/check"
UNAUTHORIZED = {
    "missing": "缺少 API 密钥：请加请求头 Authorization: Bearer <密钥>（missing API key）",
    "malformed": "API 密钥无效（invalid API key）",
    "unknown": "API 密钥无效（invalid API key）",
    "revoked": "API 密钥已吊销，请向管理员申请新密钥（revoked API key）",
}


def as_http(error: RegscreenError, headers: dict | None = None) -> HTTPException:
    """A domain error as the HTTP error of its status (``http_status``), its message as ``detail``."""
    return HTTPException(error.http_status, error.message, headers=headers)


def bearer_key(request: Request) -> str | None:
    """The key of an ``Authorization: Bearer <key>`` header, else None."""
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    return (key.strip() or None) if scheme.lower() == "bearer" else None


def key_authenticator(counter: Counter) -> Callable[[Request], Asker]:
    """The dependency that admits a request with an active API key, as the key's office; 401 otherwise."""
    def authenticated(request: Request) -> Asker:
        key, why_not = verify(counter.journal, bearer_key(request))
        if key is None:
            raise as_http(AuthError(UNAUTHORIZED[why_not]), headers={"WWW-Authenticate": "Bearer"})
        return Asker(key.name, key.key_id, "api")
    return authenticated


async def bounded_body(request: Request, limit: int) -> bytes:
    """The request body, or 413 as soon as it is known to exceed ``limit`` bytes (nothing parsed)."""
    too_large = as_http(TooLarge(f"请求体超过 {limit} 字节的上限（request body too large）"))
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large
    return bytes(body)


def unprocessable(error: ApplicationError) -> JSONResponse:
    """422 naming every field in error (``loc`` as FastAPI writes it) with the message in Chinese."""
    detail = [{"loc": ["body", *p["field"].split(".")] if p["field"] != "body" else ["body"], "msg": p["message"],
               "type": p["type"]} for p in getattr(error, "problems", [])]
    return JSONResponse({"detail": detail, "message": str(error)}, status_code=error.http_status)


def applications_router(counter: Counter, max_body_bytes: int,
                        authenticate: Callable[[Request], Asker] | None = None) -> APIRouter:
    """The counter's routes over ``counter``; ``authenticate`` replaces the API-key check (a workspace
    app may admit its signed-in users too: return an :class:`Asker` or raise HTTPException(401))."""
    flusher = JournalFlusher(counter)

    @asynccontextmanager
    async def lifespan(_app):
        flusher.start()
        try:
            yield
        finally:
            await run_in_threadpool(flusher.stop)

    router = APIRouter(lifespan=lifespan, tags=["申请核查 (counter)"])
    who = authenticate or key_authenticator(counter)

    @router.post(PATH, summary="核查一份登记申请（暂停核准/暂停登记）", response_class=Response)
    async def check_application(request: Request, asker: Asker = Depends(who)) -> Response:
        body = await bounded_body(request, max_body_bytes)
        try:
            application = parse_application_json(body)
        except ApplicationError as error:
            return unprocessable(error)
        verdict = await run_in_threadpool(counter.ask, application, asker)
        return Response(orjson.dumps(verdict), media_type="application/json")

    return router


def counter_app(counter: Counter, max_body_bytes: int) -> FastAPI:
    """A minimal app serving only the counter (tests, benchmarks); the workspace app includes the router."""
    app = FastAPI(title="regscreen 申请核查", docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(applications_router(counter, max_body_bytes))
    return app


def app_from_settings(db: Path | None = None) -> FastAPI:
    """The minimal app over the configured lists and store (``uvicorn …:app_from_settings --factory``)."""
    from screening.rules.screener import Screener
    from screening.settings import get_settings

    settings = get_settings()
    screener = Screener.load(settings.keywords_dir, settings.registers_dir, extended=False)
    counter = Counter(screener, db or settings.db_path, settings.intake_flush_seconds)
    return counter_app(counter, settings.intake_max_body_bytes)
