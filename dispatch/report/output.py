"""Writing a plan's files into a folder, all or nothing, and only over a folder of ours.

Everything is rendered in memory first, written into a fresh temporary folder beside
the target, and only then swapped into place: a failure leaves the old folder as it was.
Every folder written holds a marker listing its files; a folder is replaced only when it
is empty or holds that marker and nothing else but the files listed, so ``--out .`` or
``--out`` at a folder of scenarios is refused before anything is touched.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath

from dispatch.errors import DispatchError, InputError
from dispatch.messages import text
from dispatch.report.context import PlanContext
from dispatch.report.geojson import routes_geojson
from dispatch.report.pdf import sheets_pdf_or_warn
from dispatch.report.plan_json import plan_to_dict
from dispatch.report.sheets import index_html, kitchen_csv, relay_schedule_html, route_sheet_html
from dispatch.report.workbooks import kitchen_xlsx, plan_xlsx

Content = str | bytes | Callable[[], bytes]
"""A file's text, its bytes, or what makes them when the file is written (a workbook, which
openpyxl builds through temporary files: a full disk then fails as the folder's write)."""


def render_files(part: PlanContext, lang: str = "zh", *, pdf: bool = True) -> dict[str, Content]:
    """Every output file as ``relative path → content``; ``pdf=False`` leaves out
    ``sheets.pdf`` (typesetting it takes about as long as planning the demo day)."""
    files: dict[str, Content] = {
        "plan.json": json.dumps(plan_to_dict(part), ensure_ascii=False, indent=2) + "\n",
        "kitchen.csv": kitchen_csv(part),
        "kitchen.xlsx": lambda: kitchen_xlsx(part),
        "plan.xlsx": lambda: plan_xlsx(part),
        "routes.geojson": json.dumps(routes_geojson(part), ensure_ascii=False) + "\n",
    }
    sheets, made = [], {}
    for route in part.plan.routes:
        name = f"sheets/{route.courier}.html"
        files[name] = made[route.courier] = route_sheet_html(part, route, lang)
        sheets.append((route.courier, name))
    printed = sheets_pdf_or_warn(part, lang, made) if pdf else None
    if printed is not None:
        files["sheets.pdf"] = printed
    if any(r.handovers for r in part.plan.routes):
        files["relays.html"] = relay_schedule_html(part, lang)
    files["index.html"] = index_html(part, sheets, lang, pdf="sheets.pdf" if printed else None)
    return files


MARKER = ".nuanliu-dispatch"
"""Written into every output folder: the files written there, one per line. Only a folder
holding this marker and nothing but the files it lists is ever replaced."""


def write_folder(files: Mapping[str, Content], out_dir: Path) -> None:
    """Replace ``out_dir`` with exactly ``files`` (and the marker), all or nothing.

    ``out_dir`` may be missing, an empty folder, or a folder this function wrote before
    and nobody added to since; anything else is refused with an ``InputError`` before a
    byte is written. A failure while writing (disk full, no permission) removes what was
    begun and raises a ``DispatchError`` naming the path: the old folder stays as it was.
    """
    target = out_dir.resolve()
    _check_names(files, out_dir)
    check_replaceable(out_dir)
    created = _missing_parents(target)
    staging: Path | None = None
    shown = target.parent  # what the error names: the folder or file being written
    try:
        for folder in created:
            folder.mkdir()
        staging = _new_folder(target)
        for name, content in {**files, MARKER: "\n".join(sorted(files)) + "\n"}.items():
            shown = target / name
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_bytes(content))
        shown = target
        _swap(staging, target)
    except OSError as err:
        raise DispatchError(str(shown), text("file_unwritable", detail=_reason(err))) from err
    finally:
        if staging is not None and staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        if not target.exists():
            for folder in reversed(created):
                _remove_if_empty(folder)


def write_file(content: bytes, path: Path) -> None:
    """Write one file all or nothing: a temporary file beside it, renamed into place.

    The file gets the mode any new file gets (0666 less the umask); a failure leaves
    ``path`` as it was and raises a ``DispatchError`` naming it.
    """
    target = path.resolve()
    temporary = target.parent / f".{target.name}.{secrets.token_hex(6)}"
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(content)
        temporary.replace(target)
    except OSError as err:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise DispatchError(str(path), text("file_unwritable", detail=_reason(err))) from err


def _new_folder(target: Path) -> Path:
    """A fresh folder beside ``target`` made as ``mkdir`` makes any (0777 less the umask).

    ``tempfile.mkdtemp`` would make it 0700 whatever the umask says, and the folder
    becomes the output folder.
    """
    while True:
        folder = target.parent / f".{target.name}.{secrets.token_hex(6)}"
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue


def _bytes(content: Content) -> bytes:
    if callable(content):
        return content()
    return content.encode("utf-8") if isinstance(content, str) else content


def _swap(staging: Path, target: Path) -> None:
    """Put ``staging`` in ``target``'s place; on failure the old target is put back."""
    if not target.exists():
        staging.rename(target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
    try:
        target.rename(old / "previous")
        try:
            staging.rename(target)
        except OSError:
            (old / "previous").rename(target)
            raise
    except OSError:
        _remove_if_empty(old)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _check_names(files: Mapping[str, Content], given: Path) -> None:
    """Every file stays inside the folder: relative, no ``..``, not the marker."""
    for name in files:
        parts = PurePosixPath(name).parts
        if not parts or name.startswith("/") or ".." in parts or name == MARKER:
            raise InputError(str(given), text("out_name_escapes", name=name))


def check_replaceable(out_dir: Path) -> None:
    """Refuse (``InputError``) an output folder that is not missing, empty, or wholly ours."""
    given, target = out_dir, out_dir.resolve()
    if not target.exists():
        return
    if not target.is_dir():
        raise InputError(str(given), text("out_not_folder"))
    listed = target / MARKER
    found = {
        p.relative_to(target).as_posix()
        for p in target.rglob("*")
        if p.is_symlink() or not p.is_dir()
    }
    if not found and not any(target.iterdir()):
        return
    ours = (
        set(listed.read_text(encoding="utf-8", errors="replace").splitlines())
        if listed.is_file()
        else None
    )
    if ours is None:
        raise InputError(str(given), text("out_not_ours", marker=MARKER))
    foreign = sorted(found - ours - {MARKER})
    if foreign:
        raise InputError(str(given), text("out_foreign_file", name=foreign[0]))


def _missing_parents(target: Path) -> list[Path]:
    """The ancestors of ``target`` that do not exist yet, outermost first."""
    missing = []
    for folder in target.parents:
        if folder.exists():
            break
        missing.append(folder)
    return missing[::-1]


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()


def _reason(err: OSError) -> str:
    return err.strerror or type(err).__name__
