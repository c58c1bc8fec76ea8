"""Process identity: who owns an unfinished job, and whether that owner has died.

An owner is ``host:pid:token``; the token is drawn once per process, so a restarted process
that happens to get the same pid (pid 1 in a container) is told apart from its past.
"""

from __future__ import annotations

import os
import socket
import uuid

_TOKEN = uuid.uuid4().hex[:8]


def process_owner() -> str:
    """``host:pid:token`` of this process; the token tells a restarted pid 1 from its past."""
    return f"{socket.gethostname()}:{os.getpid()}:{_TOKEN}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def owner_is_dead(owner: str, host: str | None = None, me: str | None = None) -> bool:
    """Whether ``owner`` is a process on this host that no longer exists.

    Owners on other hosts (RQ workers elsewhere) are never declared dead from here.
    """
    host = host or socket.gethostname()
    me = me or process_owner()
    parts = owner.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
        return False
    if owner == me:
        return False
    pid = int(parts[1])
    return pid == os.getpid() or not _pid_alive(pid)
