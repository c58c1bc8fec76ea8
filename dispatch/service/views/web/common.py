"""What every staff page shares: the signed-in login, the language, CSRF, page errors.

A page's blueprint comes from ``web_blueprint``: before each view it finds the login of the
session (signed cookie; ``SECRET_KEY``) and hands it to the same role and scope checks as
the API (``g.key``, ``dispatch.service.http.scope``); without one it sends the browser to
the login page. Our errors become an HTML page in the chosen language, never JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect

from dispatch.errors import (
    AuthError,
    ConflictError,
    DispatchError,
    ForbiddenError,
    NotFoundError,
    UnavailableError,
)
from dispatch.messages import Text, has_text
from dispatch.messages import text as message
from dispatch.service import requests as board
from dispatch.service.http import services
from dispatch.service.keys import KeyInfo, Role, require_role
from dispatch.service.users import signed_in

LANGUAGES = ("zh", "en")
PACKAGE = "dispatch.service.views.web"
csrf = CSRFProtect()
# The status of a page showing one of our errors (the API's table in api.py, for HTML).
PAGE_STATUS: tuple[tuple[type[DispatchError], int], ...] = (
    (ForbiddenError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (UnavailableError, 503),
)


def lang() -> str:
    """The page language of this session: Chinese unless English was chosen."""
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "zh"


def t(code: str, **params: Any) -> str:
    """Message ``code`` of ``dispatch.messages`` in the page language."""
    return str(getattr(message(code, **params), lang()))


def variant(code: str) -> str:
    """A meal variant's name in the page language; a canteen's own variant as it is written."""
    return t(f"variant.{code}") if has_text(f"variant.{code}") else code


def said(reason: Text) -> str:
    """A bilingual reason (an error's) in the page language."""
    return str(getattr(reason, lang()))


def user() -> KeyInfo | None:
    return g.get("key")


def street_viewer() -> board.Viewer:
    """Who a street page's login is on the request board (a team, or the street office)."""
    info = user()
    assert info is not None  # the blueprint signs in first
    return board.viewer_of(info)


def safe_next(target: str | None) -> str:
    """A local path to go back to; anything pointing elsewhere is the home page."""
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/"):
        return target
    return url_for("web_today.today")


def web_blueprint(name: str, *, public: bool = False, teams: bool = False) -> Blueprint:
    """A blueprint of pages; unless ``public``, every view needs a signed-in login, and
    unless ``teams`` (the grid register's pages) not a grid team's, which sees no canteen."""
    bp = Blueprint(name, PACKAGE, template_folder="templates")

    @bp.before_request
    def load_login() -> Any:
        info = signed_in(services().store, str(session.get("user", "")))
        if info is not None:
            g.key = info
            if info.team is not None and not (public or teams):
                raise ForbiddenError("Authorization", message("street_team_only"))
        elif not public:
            session.pop("user", None)
            return redirect(url_for("web_auth.login", next=request.full_path.rstrip("?")))
        return None

    @bp.errorhandler(DispatchError)
    def page_error(err: DispatchError) -> Any:
        if isinstance(err, AuthError) and not isinstance(err, ForbiddenError):
            return redirect(url_for("web_auth.login"))
        status = next((code for cls, code in PAGE_STATUS if isinstance(err, cls)), 422)
        return render_template("error.html", reason=said(err.reason), field=err.field), status

    return bp


def needs_role(
    role: Role, *, teams: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A page only a login of at least ``role`` may use (403 page otherwise); a grid team's
    login only where ``teams`` (the grid register's pages)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            info = user()
            if info is None:
                return redirect(url_for("web_auth.login"))
            require_role(info, role, teams=teams)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def init_pages(
    app: Flask, api_blueprints: list[Blueprint], page_blueprints: list[Blueprint]
) -> None:
    """CSRF on every form of the pages (the API, with bearer keys, is exempt), the template
    helpers, and the blueprints."""
    csrf.init_app(app)
    for bp in api_blueprints:
        csrf.exempt(bp)
    app.jinja_env.globals.update(t=t, lang=lang, user=user, variant=variant)
    static = Blueprint("web_static", PACKAGE, static_folder="static", static_url_path="/assets")
    app.register_blueprint(static)
    for bp in page_blueprints:
        app.register_blueprint(bp)

    @app.errorhandler(CSRFError)
    def csrf_error(err: CSRFError) -> Any:
        return render_template("error.html", reason=t("web_csrf"), field=""), 400
