"""The day's route sheets as one PDF (``sheets.pdf``): the sheets' HTML/CSS set by WeasyPrint.

WeasyPrint needs pango (a system library); where it cannot be loaded the PDF is left out
with one warning line naming the package, and every other file is still written.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from dispatch.messages import text
from dispatch.model import Route
from dispatch.report.context import PlanContext
from dispatch.report.sheets import MAP_MM, route_sheet_html, sheet_map_mm

log = logging.getLogger(__name__)
# WeasyPrint notes every SVG presentation attribute its CSS parser does not know; the maps
# are drawn right all the same, and a planner's terminal is not the place for those notes.
logging.getLogger("weasyprint").setLevel(logging.ERROR)

MAP_STEP_MM = 10.0


class PdfUnavailable(RuntimeError):
    """WeasyPrint (or the pango it loads) cannot be imported on this machine."""


@cache
def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as err:
        raise PdfUnavailable(str(err).splitlines()[0] if str(err) else type(err).__name__) from err
    return weasyprint


def _render(html: str) -> Any:
    return _weasyprint().HTML(string=html).render()


def _sheet(part: PlanContext, route: Route, lang: str, html: str | None) -> Any:
    """One route sheet rendered (from ``html``, the sheet as written beside the PDF, when
    given); when it runs over a page, again with a smaller map."""
    height_mm = sheet_map_mm(part, route)
    document = _render(html if html is not None else route_sheet_html(part, route, lang))
    while len(document.pages) > 1 and height_mm > MAP_MM[0]:
        height_mm = max(height_mm - MAP_STEP_MM, MAP_MM[0])
        document = _render(route_sheet_html(part, route, lang, height_mm))
    return document


def _pdf(documents: Sequence[Any]) -> bytes:
    pages = [page for document in documents for page in document.pages]
    return bytes(documents[0].copy(pages).write_pdf())


def html_pdf(pages_html: Sequence[str]) -> bytes:
    """HTML documents (the index, a relay schedule…) → one PDF, the pages of each in turn.

    Raises ``PdfUnavailable`` where WeasyPrint cannot load pango.
    """
    return _pdf([_render(html) for html in pages_html])


def sheets_pdf(
    part: PlanContext,
    lang: str = "zh",
    routes: Sequence[Route] | None = None,
    html: Mapping[str, str] | None = None,
) -> bytes:
    """Every route sheet of the plan (or of ``routes``) in one A4 PDF, one page a sheet;
    ``html`` (courier → the sheet's HTML in ``lang``, already made) spares drawing it again.

    For ``sheets.pdf`` in the output folder and the web app's download. Raises
    ``PdfUnavailable`` where WeasyPrint cannot load pango, ``ValueError`` without routes.
    """
    chosen = list(part.plan.routes if routes is None else routes)
    if not chosen:
        raise ValueError("a PDF of no route sheets")
    made = html or {}
    return _pdf([_sheet(part, route, lang, made.get(route.courier)) for route in chosen])


def sheets_pdf_or_warn(
    part: PlanContext, lang: str = "zh", html: Mapping[str, str] | None = None
) -> bytes | None:
    """``sheets_pdf``, or None with one warning line where pango is missing or nobody rides."""
    if not part.plan.routes:
        return None
    try:
        return sheets_pdf(part, lang, html=html)
    except PdfUnavailable as err:
        message = text("warn_no_pdf", detail=str(err))
        log.warning("%s / %s", message.zh, message.en)
        return None
