"""The link a courier opens on the phone: one route of one plan, for that plan's day only.

The token is the plan id, the route's index and the day, signed with the server's
``SECRET_KEY`` (itsdangerous): anyone holding it sees that route and may report its doors,
nothing else. It carries no client data, and is refused on any other day than the plan's
(in Asia/Shanghai), so yesterday's link in a chat history opens nothing. A grid team
member's round (``/m/<token>``) has links of the same shape, signed apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer

from dispatch.errors import ForbiddenError, NotFoundError
from dispatch.messages import text
from dispatch.scenario.schedule import today

SALT = "nuanliu.courier-route"
ROUND_SALT = "nuanliu.team-round"


@dataclass(frozen=True)
class RouteLink:
    plan: str
    route: int  # index into the plan's routes
    date: str  # the plan's day, YYYY-MM-DD


def make_token(secret: str, link: RouteLink, salt: str = SALT) -> str:
    """The token of ``link``; ``salt`` keeps one kind of link from opening another (a grid
    team member's round is ``ROUND_SALT``)."""
    return URLSafeSerializer(secret, salt=salt).dumps([link.plan, link.route, link.date])


def read_token(secret: str, token: str, now: dt.datetime, salt: str = SALT) -> RouteLink:
    """The route a token names, if it was signed here (with ``salt``) and ``now`` is its day."""
    try:
        plan, route, date = URLSafeSerializer(secret, salt=salt).loads(token)
    except (BadSignature, ValueError, TypeError):
        raise NotFoundError("token", text("courier_link_unknown")) from None
    if date != today(now).isoformat():
        raise ForbiddenError("token", text("courier_link_other_day", date=date))
    return RouteLink(str(plan), int(route), str(date))
