"""Signing in and out, and the page language; ``/`` opens today's page."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, session, url_for

from dispatch.errors import AuthError
from dispatch.service.http import services
from dispatch.service.users import sign_in
from dispatch.service.views.web.common import LANGUAGES, safe_next, said, user, web_blueprint

bp = web_blueprint("web_auth", public=True)


@bp.get("/")
def home() -> Any:
    info = user()
    if info is not None and info.team is not None:  # a team's login has the register only
        return redirect(url_for("web_street.register"))
    return redirect(url_for("web_today.today"))


@bp.get("/login")
def login() -> Any:
    return render_template("login.html", error=None, name="", next=request.args.get("next", ""))


@bp.post("/login")
def login_post() -> Any:
    name, target = request.form.get("name", ""), request.form.get("next", "")
    try:
        info = sign_in(services().store, name, request.form.get("password", ""))
    except AuthError as err:
        page = render_template("login.html", error=said(err.reason), name=name, next=target)
        return page, 401
    language = session.get("lang")
    session.clear()
    session.permanent = True
    session["user"] = info.id
    if language:
        session["lang"] = language
    if info.team is not None and not target:  # a team's login has the register only
        return redirect(url_for("web_street.register"))
    return redirect(safe_next(target))


@bp.post("/logout")
def logout() -> Any:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    return redirect(url_for("web_auth.login"))


@bp.get("/lang/<code>")
def choose_language(code: str) -> Any:
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")))
