"""Output folders are made as any folder is: the umask decides their mode, not 0700."""

from __future__ import annotations

import os

import pytest

from dispatch.report.output import write_folder


@pytest.mark.parametrize(
    ("umask", "folder", "file"), [(0o022, 0o755, 0o644), (0o077, 0o700, 0o600)]
)
def test_write_folder_respects_the_umask(tmp_path, umask, folder, file):
    old = os.umask(umask)
    try:
        write_folder(
            {"plan.json": "{}\n", "sheets/r1.html": "<p>", "a.xlsx": lambda: b"PK"},
            tmp_path / "new" / "out",
        )
    finally:
        os.umask(old)
    out = tmp_path / "new" / "out"
    assert [(p.stat().st_mode & 0o777) for p in (tmp_path / "new", out, out / "sheets")] == [
        folder
    ] * 3
    assert (out / "plan.json").stat().st_mode & 0o777 == file
    assert (out / "a.xlsx").read_bytes() == b"PK"
