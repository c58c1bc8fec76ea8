"""A welfare case reaches the grid service team covering the client's building (issue 18):
when the client is a household in a team's register, the case opens a request of source
``welfare_case`` on that team's board, so the people next door can knock too."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from dispatch.errors import DispatchError
from dispatch.service.requests import request_from_case
from dispatch.service.store import Store
from dispatch.service.street_register import household_of_client
from dispatch.service.welfare import get_case

log = logging.getLogger("dispatch.service.case_teams")


def reach_teams(store: Store, case_ids: Iterable[str]) -> list[str]:
    """The requests the cases ``case_ids`` opened (or had opened) for the teams covering their
    clients' buildings; a case whose client is in no team's register opens none. A request
    that cannot be made is logged (ids only) and never undoes the outcomes already stored."""
    made: list[str] = []
    for case_id in case_ids:
        case = get_case(store, case_id)
        link = household_of_client(store, case.canteen, case.client)
        if link is None:
            continue
        body = {"id": case.id, "reason": case.reason, "opened_at": case.opened_at}
        try:
            made.append(request_from_case(store, body, str(link.household["id"])).id)
        except DispatchError as err:
            log.warning("welfare case %s reached no team request: %s", case.id, err.kind)
    return made
