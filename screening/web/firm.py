"""企业档案 ``/firms/{credit_code}`` (the 一户一档 dossier, with the rows and labels of
:mod:`screening.handoff.dossier`) and its decision form, ``POST /firms/{credit_code}/decision``.

A decision goes through :func:`screening.store.decisions.decide`: the store's write transaction under
the run lock, then the snapshot the pages read is published again. While a nightly run holds the lock
the request waits up to ``lock_wait_seconds``, trying again, then answers 503 运行中，请稍后重试 with
nothing written. Who decides is the signed-in user. An analyst decides a firm without a standing
decision; a supervisor may also reopen one (the firm returns to the queue); a viewer gets 403.
"""

import re
import time

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from screening.errors import AccessDenied, DecisionError, NotFound, RunInProgress
from screening.handoff import dossier
from screening.store.database import reading
from screening.store.decisions import decide
from screening.web.auth import checked_form, config_of, current_session
from screening.web.sessions import Session
from screening.web.templating import TEMPLATES

CODE = re.compile(r"[0-9A-Za-z]{15,18}")
RETRY_EVERY = 0.25
BUSY = "运行中，请稍后重试（夜间运行正在写入数据库，本次决定未保存）"

router = APIRouter()


def checked_code(credit_code: str) -> str:
    if not CODE.fullmatch(credit_code):
        raise NotFound("统一社会信用代码应为 18 位（或 15 位注册号）字母和数字")
    return credit_code.upper()


def gathered(db, code: str) -> dict:
    """The firm's dossier from the published snapshot; NotFound in Chinese for an unknown code."""
    with reading(db) as con:
        try:
            return dossier.gather(con, code)
        except NotFound:
            raise NotFound(f"库中没有统一社会信用代码为 {code} 的企业") from None


def firm_view(request: Request, session: Session, code: str, status: int = 200, error: str | None = None,
              form: dict | None = None) -> Response:
    """The firm page: the dossier's rows, the highlighted texts, and the decision form for this user."""
    found = gathered(config_of(request).db, code)
    standing = dossier.current_decision(found)
    versions = [v | {"heading": dossier.version_heading(v), "rows": dossier.version_rows(v),
                     "screening_line": dossier.screening_line(v), "hit_rows": [(dossier.hit_kind(h), dossier.hit_cells(h))
                                                                               for h in v["hits"]],
                     "name_html": Markup(dossier.marked_html(v, "name")),
                     "scope_html": Markup(dossier.marked_html(v, "scope"))} for v in reversed(found["versions"])]
    return TEMPLATES.TemplateResponse(request, "firm.html", {
        "session": session, "d": found, "versions": versions, "watch_rows": dossier.watch_rows(found),
        "audit_rows": dossier.audit_rows(found), "decision_rows": dossier.decision_rows(found),
        "related_rows": dossier.related_rows(found), "standing": standing,
        "spot_rows": dossier.spot_rows(found), "made_rows": dossier.made_rows(found),
        "can_decide": found["watch"] is not None and standing is None and session.user.can("analyst"),
        "can_reopen": standing is not None and session.user.can("supervisor"),
        "headers": {"hit": dossier.HIT_HEADERS, "audit": dossier.AUDIT_HEADERS, "decision": dossier.DECISION_HEADERS,
                    "related": dossier.RELATED_HEADERS, "spot": dossier.SPOT_HEADERS, "made": dossier.MADE_HEADERS},
        "error": error, "form": form or {}, "saved": request.query_params.get("saved"),
    }, status_code=status)


@router.get("/firms/{credit_code}")
def firm_page(request: Request, credit_code: str, session: Session = Depends(current_session)) -> Response:
    return firm_view(request, session, checked_code(credit_code))


def allowed_decision(session: Session, decision: str, standing: dict | None) -> None:
    """Raise AccessDenied (403) or DecisionError (409) when this user may not make this decision now."""
    if decision == "reopen":
        if not session.user.can("supervisor"):
            raise AccessDenied("只有主管可以重新打开已有的决定")
        if standing is None:
            raise DecisionError("该企业当前登记没有可重新打开的决定")
        return
    if not session.user.can("analyst"):
        raise AccessDenied("只读账户不能作出决定，需要分析员权限")
    if standing is not None:
        raise DecisionError(f"该企业当前登记已有决定（{dossier.labels.label(dossier.labels.DECISION, standing['decision'])}，"
                            f"{standing['decided_by']}）；如需更改，请主管先重新打开")


def decide_waiting(config, code: str, decision: str, reason: str, user: str) -> dict:
    """``decide``, tried again while a run holds the store, for at most ``lock_wait_seconds``."""
    deadline = time.monotonic() + config.lock_wait_seconds
    while True:
        try:
            return decide(config.db, code, decision, reason, user, config.interest_min_confirmed)
        except RunInProgress:
            if time.monotonic() >= deadline:
                raise RunInProgress(BUSY) from None
            time.sleep(RETRY_EVERY)


@router.post("/firms/{credit_code}/decision")
def decision_post(request: Request, credit_code: str, session: Session = Depends(checked_form),
                  decision: str = Form(""), reason: str = Form("", max_length=2000)) -> Response:
    code = checked_code(credit_code)
    if decision not in dossier.labels.DECISION:
        raise DecisionError("decision 只能是 confirm（确认）、dismiss（排除）、refer（移送）或 reopen（重新打开）")
    if not session.user.can("analyst"):
        raise AccessDenied("只读账户不能作出决定，需要分析员权限")
    config = config_of(request)
    form = {"decision": decision, "reason": reason}
    try:
        standing = dossier.current_decision(gathered(config.db, code))
        allowed_decision(session, decision, standing)
        if not reason.strip():
            raise DecisionError("请填写决定理由")
        decide_waiting(config, code, decision, reason, session.user.username)
    except (DecisionError, RunInProgress) as error:
        return firm_view(request, session, code, error.http_status, str(error), form)
    return RedirectResponse(f"/firms/{code}?saved={decision}", status_code=303)
