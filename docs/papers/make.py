"""Regenerate the screenshots of docs/papers.md from the demo scenarios.

    PYTHONPATH=. .venv/bin/python docs/papers/make.py

Plans the Jiangnan lunch, rainstorm and typhoon-red days (straight lines) and, when
../shared/roadnets is beside the repo, the Aguascalientes day on real streets, each with a
fixed seed and iteration budget; renders the papers as the CLI writes them and turns pages
into PNG: WeasyPrint sets the HTML as PDF, pypdfium2 rasterises the PDF page.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2

from dispatch.planning.day import plan_day
from dispatch.report.context import PlanContext
from dispatch.report.maps import overview_svg
from dispatch.report.output import render_files
from dispatch.report.pdf import html_pdf
from dispatch.scenario import load_scenario

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DPI = 110
ITERATIONS = 300


def planned(name: str) -> PlanContext:
    scenario = load_scenario(REPO / "scenarios" / f"{name}.yaml")
    return PlanContext.of(scenario, plan_day(scenario, iterations=ITERATIONS, seed=0))


def png(pdf: bytes, page: int, out: Path) -> None:
    """Page ``page`` (from 0) of ``pdf`` as a PNG at ``DPI``."""
    document = pypdfium2.PdfDocument(pdf)
    document[page].render(scale=DPI / 72).to_pil().save(out, optimize=True)
    print(f"wrote {out.relative_to(REPO)}")


def overview_page(part: PlanContext) -> str:
    """The overview map alone on a page, as the index shows it."""
    return (
        "<!doctype html><meta charset='utf-8'><style>@page { size: 200mm 160mm; margin: 5mm; }"
        "svg { width: 100%; height: auto; }</style>" + overview_svg(part)
    )


def main() -> int:
    day = planned("jiangnan-lunch")
    files = render_files(day)
    first = day.plan.routes[0].courier
    png(html_pdf([str(files[f"sheets/{first}.html"])]), 0, HERE / "sheet.png")
    rainstorm = planned("jiangnan-rainstorm")  # riders, relay points and grid workers
    png(html_pdf([overview_page(rainstorm)]), 0, HERE / "overview.png")
    typhoon = render_files(planned("jiangnan-typhoon-red"))  # some clients not served
    png(html_pdf([str(typhoon["index.html"])]), 0, HERE / "index.png")
    roads = REPO / "scenarios" / "aguascalientes-roads.yaml"
    if (REPO.parent / "shared" / "roadnets" / "aguascalientes.osm.pbf").is_file():
        streets = render_files(planned(roads.stem))
        png(bytes(streets["sheets.pdf"]), 0, HERE / "pdf-page.png")
    else:
        print("../shared/roadnets not found: pdf-page.png (streets) left as it was")
    return 0


if __name__ == "__main__":
    sys.exit(main())
