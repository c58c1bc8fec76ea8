"""Writing a plan's files into a folder, all or nothing.

Everything is rendered in memory first, written into a fresh temporary folder beside
the target, and only then swapped into place: a failure leaves the old folder as it was.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from dispatch.report.context import PlanContext
from dispatch.report.geojson import routes_geojson
from dispatch.report.plan_json import plan_to_dict
from dispatch.report.sheets import index_html, kitchen_csv, relay_schedule_html, route_sheet_html


def render_files(part: PlanContext, lang: str = "zh") -> dict[str, str]:
    """Every output file as ``relative path → text``."""
    files = {
        "plan.json": json.dumps(plan_to_dict(part), ensure_ascii=False, indent=2) + "\n",
        "kitchen.csv": kitchen_csv(part),
        "routes.geojson": json.dumps(routes_geojson(part), ensure_ascii=False) + "\n",
    }
    sheets = []
    for route in part.plan.routes:
        name = f"sheets/{route.courier}.html"
        files[name] = route_sheet_html(part, route, lang)
        sheets.append((route.courier, name))
    if any(r.handovers for r in part.plan.routes):
        files["relays.html"] = relay_schedule_html(part, lang)
    files["index.html"] = index_html(part, sheets, lang)
    return files


def write_folder(files: dict[str, str], out_dir: Path) -> None:
    """Replace ``out_dir`` with exactly ``files``, atomically as far as the OS allows."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        for name, content in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        old = None
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=out_dir.parent))
            out_dir.rename(old / "previous")
        staging.rename(out_dir)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
