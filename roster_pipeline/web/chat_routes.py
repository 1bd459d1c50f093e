"""The assistant on a page and at POST /api/chat: `explain.assistant.ask` on the roster version the
asker may see, with their rights (a registrar is an `Asker`: colleagues' absences only as
"unavailable", their own requests and fairness only). With ANTHROPIC_API_KEY set, Claude answers from
the tools' filtered results; without it (or if the API fails) the offline parser answers, labelled."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from roster_pipeline.core.rules import load_pack
from roster_pipeline.explain.assistant import Answer, Asker, ask
from roster_pipeline.explain.facts import RosterContext, normalise_assignments
from roster_pipeline.living.versions import assignments
from roster_pipeline.web.auth import CsrfChecked, Session, SignedIn, config_of, now_of, warehouse_of
from roster_pipeline.web.pages import render
from roster_pipeline.web.rosters import version_for_week
from roster_pipeline.web.views import department_for, departments, week_of

router = APIRouter(tags=["chat"])
WHAT_IF_SECONDS = 10.0  # the budget of a what-if re-solve asked from the web


class Question(BaseModel):
    question: str = Field(min_length=1, max_length=1000)
    week: dt.date | None = Field(None, description="a day of the roster week asked about; default: today")


def answer(request: Request, session: Session, question: str, week: dt.date | None) -> Answer:
    """Ask about the version the asker sees for the week (a polite answer if there is none)."""
    user = session.user
    key = department_for(request, user, None)
    wh = warehouse_of(request)
    version = version_for_week(wh, key, week_of(request, user, key, week), user)
    if version is None:
        return Answer("No roster has been published for that week yet, so there is nothing to explain.")
    ctx = RosterContext(
        department=departments(request).get(key),
        pack=load_pack(config_of(request).rule_pack),
        horizon=version.horizon,
        assignments=normalise_assignments(assignments(wh, version.version_id)),
        solve_seconds=WHAT_IF_SECONDS,
        workers=1,
        deterministic=True,
        extra={"warehouse": wh},
    )
    asker = Asker(user.registrar_id) if user.role == "registrar" and user.registrar_id else None
    client = config_of(request).claude()
    return ask(question, ctx, client=client, today=now_of(request).date(), asker=asker)


@router.post("/api/chat", tags=["api"])
def post_chat(request: Request, session: CsrfChecked, body: Question) -> dict[str, Any]:
    """Ask the assistant (show, why, what-if, fairness, cover and the living roster's questions)."""
    reply = answer(request, session, body.question, body.week)
    return {
        "text": reply.text,
        "offline": reply.offline,
        "tool_calls": [c.get("name") for c in reply.tool_calls],
    }


@router.get("/chat", include_in_schema=False)
def chat_page(request: Request, session: SignedIn) -> Response:
    return render(request, "chat.html", session, question="", reply=None)


@router.post("/chat", include_in_schema=False)
def chat_form(
    request: Request, session: CsrfChecked, question: Annotated[str, Form(max_length=1000)]
) -> Response:
    reply = answer(request, session, question, None)
    return render(request, "chat.html", session, question=question, reply=reply)
