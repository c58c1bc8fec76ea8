"""The CJK font the maps and PDFs are set in; one clear warning when none is installed."""

from __future__ import annotations

import logging
from functools import cache

from dispatch.messages import text

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "WenQuanYi Micro Hei",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
)
"""In order of preference; the first two are Debian's fonts-noto-cjk and fonts-wqy-microhei."""

CSS_FAMILIES = ", ".join(f'"{f}"' for f in CJK_FAMILIES) + ", sans-serif"
"""The same list for the papers' style sheet."""

log = logging.getLogger(__name__)


@cache
def installed_cjk_families() -> tuple[str, ...]:
    """The ``CJK_FAMILIES`` installed on this machine (matplotlib's font list), in order."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    return tuple(f for f in CJK_FAMILIES if f in known)


@cache
def map_font_families() -> list[str]:
    """matplotlib's font list: the first installed CJK font, then its default (warned once).

    matplotlib's own note on a missing bold face is silenced: it is not the reader's business.
    """
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    found = installed_cjk_families()
    if not found:
        warn_no_cjk_font()
    return [*found[:1], "DejaVu Sans"]


@cache
def warn_no_cjk_font() -> None:
    """One line on stderr (no traceback): Chinese would print as empty boxes."""
    message = text("warn_no_cjk_font")
    log.warning("%s / %s", message.zh, message.en)
