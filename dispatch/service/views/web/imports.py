"""Import: upload a clients sheet (.xlsx or CSV), read the preview (rows added, changed,
errors with sheet, row and column), confirm to save; and the register exported to Excel.

Nothing is kept on the server between the preview and the confirmation: the preview page
carries the file back in the form (base64), and confirming reads and checks it again, so
what is saved is exactly what was previewed, or nothing if it no longer checks.
"""

from __future__ import annotations

import base64
import binascii
import io
from pathlib import Path
from typing import Any

from flask import Response, redirect, render_template, request, url_for
from openpyxl import Workbook

from dispatch.messages import text as message
from dispatch.report.workbooks import XLSX
from dispatch.scenario.client_import import CSV_COLUMNS
from dispatch.service.http import scope, services
from dispatch.service.register_import import Preview, RowError, apply, preview
from dispatch.service.views.ledger import record_view
from dispatch.service.views.web.common import needs_role, t, web_blueprint
from dispatch.service.views.web.register import record_cells
from dispatch.service.views.web.today import canteens, chosen_canteen

bp = web_blueprint("web_import")


@bp.get("/import")
@needs_role("planner")
def upload() -> Any:
    return render_template(
        "import.html", preview=None, canteens=canteens(), canteen=chosen_canteen()
    )


@bp.post("/import")
@needs_role("planner")
def check() -> Any:
    file = request.files.get("file")
    if file is None or not file.filename:
        return _page(Preview(errors=[RowError("file", *_both("web_import_no_file"))]), "", ""), 422
    data = file.read()
    checked = _checked(data, file.filename)
    payload = base64.b64encode(data).decode("ascii")
    return _page(checked, payload, file.filename), (200 if not checked.errors else 422)


@bp.post("/import/confirm")
@needs_role("planner")
def confirm() -> Any:
    filename = request.form.get("filename", "clients.csv")
    try:
        data = base64.b64decode(request.form.get("payload", ""), validate=True)
    except binascii.Error:
        data = b""
    checked = _checked(data, filename)
    if not checked.ready:
        return _page(checked, request.form.get("payload", ""), filename), 422
    saved = apply(services().store, checked, _canteen())
    return redirect(url_for("web_register.listing", kind="clients", imported=saved))


def _canteen() -> str:
    return chosen_canteen() or ""


def _checked(data: bytes, filename: str) -> Preview:
    return preview(services().store, data, Path(filename).name or "clients.csv", _canteen())


def _both(code: str) -> tuple[str, str]:
    reason = message(code)
    return reason.en, reason.zh


def _page(checked: Preview, payload: str, filename: str) -> str:
    return render_template(
        "import.html", preview=checked, payload=payload, filename=filename,
        canteens=canteens(), canteen=_canteen(),
    )  # fmt: skip


@bp.get("/register/clients.xlsx")
def export() -> Any:
    """The active clients of the login's canteen(s), one row each, in the import's columns
    (so an exported sheet, saved as CSV, imports again)."""
    book = Workbook()
    sheet = book.active
    sheet.title = t("web_nav_clients")
    sheet.append(list(CSV_COLUMNS))
    for row in services().store.list_records("clients", canteen=scope()):
        cells = record_cells(record_view(row)["data"])
        sheet.append([cells.get(c, "") for c in CSV_COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    headers = {"Content-Disposition": "attachment; filename=clients.xlsx"}
    return Response(buffer.getvalue(), mimetype=XLSX, headers=headers)
