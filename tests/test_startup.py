"""What ``dispatch plan`` loads before it plans: no library it does not use on that path."""

from __future__ import annotations

import subprocess
import sys

# Heavy libraries the plan path of a geodesic day does not need in the main process:
# service and road-network libraries, the reference schema validator (only for refused
# documents), PyVRP (imported in the child that runs it).
NOT_AT_START = (
    "alembic",
    "cryptography",
    "flask",
    "jsonschema",
    "networkx",
    "osmium",
    "pyvrp",
    "redis",
    "rq",
    "sqlalchemy",
    "waitress",
)


def _loaded(code: str) -> list[str]:
    probe = f"import sys; {code}; print(' '.join(m for m in {NOT_AT_START!r} if m in sys.modules))"
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return shown.stdout.split()


def test_the_command_starts_without_service_road_or_second_engine_libraries():
    assert _loaded("import dispatch.cli") == []


def test_a_forking_worker_loads_both_engines_before_its_jobs():
    assert _loaded("from dispatch.planning.batch import load_engines; load_engines()") == ["pyvrp"]
