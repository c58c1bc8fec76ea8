"""50 concurrent plan requests on loopback against a 2-worker ``dispatch serve``.

Every request must end in a finished plan (200) or a 503 with ``Retry-After``; none may
hang (each has a client timeout) and the server's memory (server + solver children, RSS)
is sampled throughout. Loopback only, one round, bounded waits.

    python benchmarks/api_load.py [--requests 50] [--workers 2] [--time-limit 1]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from dispatch.scenario import read_document

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree_rss_kb(pid: int) -> int:
    """RSS of ``pid`` and its descendants, from /proc (Linux)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines()
                       if line.startswith("VmRSS:")), 0)  # fmt: skip
        todo += [int(c) for c in children]
    return total


def start_server(folder: Path, workers: int) -> tuple[subprocess.Popen[bytes], str, dict[str, str]]:
    env = {**os.environ, "DISPATCH_DATABASE_URL": f"sqlite:///{folder / 'load.sqlite'}"}
    env["DISPATCH_WORKERS"] = str(workers)
    cli = [sys.executable, "-m", "dispatch.cli"]
    made = subprocess.run([*cli, "keys", "create", "--role", "planner"], env=env,
                          capture_output=True, text=True, check=True)  # fmt: skip
    port = free_port()
    server = subprocess.Popen([*cli, "serve", "--port", str(port), "--threads", "64"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if requests.get(f"{base}/v1/health", timeout=2).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.2)
    return server, base, {"Authorization": f"Bearer {made.stdout.strip()}"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=1.0)
    args = parser.parse_args()
    document = read_document(REPO / "tests" / "data" / "tiny.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        server, base, headers = start_server(Path(tmp), args.workers)
        peak_kb, done = [0], threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak_kb[0] = max(peak_kb[0], tree_rss_kb(server.pid))
                time.sleep(0.1)

        def one(_: int) -> tuple[int, str | None, float, str]:
            started = time.monotonic()
            url = f"{base}/v1/plans?wait=60&time_limit_s={args.time_limit}"
            response = requests.post(url, json=document, headers=headers, timeout=120)
            status = response.json().get("status", "")
            return (response.status_code, response.headers.get("Retry-After"),
                    time.monotonic() - started, status)  # fmt: skip

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        idle_kb = tree_rss_kb(server.pid)
        started = time.monotonic()
        try:
            with ThreadPoolExecutor(args.requests) as pool:
                results = list(pool.map(one, range(args.requests)))
        finally:
            done.set()
            server.terminate()
            server.wait(10)
        wall = time.monotonic() - started
    plans = [r for r in results if r[0] == 200 and r[3] == "done"]
    refused = [r for r in results if r[0] == 503 and r[1] is not None]
    other = [r for r in results if r not in plans and r not in refused]
    print(f"requests {len(results)}: plans {len(plans)}, 503+Retry-After {len(refused)}, "
          f"other {len(other)}")  # fmt: skip
    print(f"slowest answer {max(r[2] for r in results):.1f} s; wall {wall:.1f} s")
    print(f"Retry-After values: {sorted({int(r[1]) for r in refused if r[1]})}")
    print(f"server RSS idle {idle_kb / 1024:.0f} MiB, peak {peak_kb[0] / 1024:.0f} MiB")
    return 0 if not other else 1


if __name__ == "__main__":
    sys.exit(main())
