"""50 concurrent plan requests and 10 comparisons on loopback against a 2-worker ``dispatch serve``.

Every request must end in a finished plan or comparison (at once with ``?wait=``, or by polling
its ``Location`` after a 202) or in a 503 with ``Retry-After``; none may hang (each has a client
timeout and a bounded poll) and the server's memory and processes (server + solver children)
are sampled throughout. A comparison is the tiny scenario and one what-if (two plans). Loopback
only, one round, bounded waits.

    python benchmarks/api_load.py [--requests 50] [--compares 10] [--workers 2] [--time-limit 1]
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


def tree_rss_kb(pid: int) -> tuple[int, int]:
    """RSS of ``pid`` and its descendants, and how many processes they are, from /proc (Linux).

    Children are read from every thread (``task/*/children``): the solver processes are
    started by the server's solver threads, not by its main thread.
    """
    total, todo, count = 0, [pid], 0
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            tasks = Path(f"/proc/{current}/task").glob("*/children")
            children = [c for task in tasks for c in task.read_text().split()]
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines()
                       if line.startswith("VmRSS:")), 0)  # fmt: skip
        todo += [int(c) for c in children]
        count += 1
    return total, count


def finished(base: str, response: requests.Response, headers: dict[str, str]) -> tuple[int, str]:
    """The final answer to a submission: after a 202 its ``Location`` is polled (bounded)."""
    deadline = time.monotonic() + 300
    code, body = response.status_code, response.json()
    while code == 202 or body.get("status") in ("queued", "running"):
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
        reply = requests.get(base + response.headers["Location"], headers=headers, timeout=30)
        code, body = reply.status_code, reply.json()
    return code, body.get("status", "done" if "plans" in body else "")


def wait_healthy(base: str) -> None:
    """Wait up to about 30 s for the server at ``base`` to answer its health check."""
    for _ in range(150):
        try:
            if requests.get(f"{base}/v1/health", timeout=2).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.2)


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
    wait_healthy(base)
    return server, base, {"Authorization": f"Bearer {made.stdout.strip()}"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--compares", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=1.0)
    args = parser.parse_args()
    document = read_document(REPO / "tests" / "data" / "tiny.yaml")
    sick = {"name": "sick", "changes": [{"courier_off": "rider-b"}]}
    comparison = {"base": document, "whatifs": [sick]}
    with tempfile.TemporaryDirectory() as tmp:
        server, base, headers = start_server(Path(tmp), args.workers)
        peak_kb, peak_procs, done = [0], [0], threading.Event()

        def sample() -> None:
            while not done.is_set():
                rss_kb, procs = tree_rss_kb(server.pid)
                peak_kb[0], peak_procs[0] = max(peak_kb[0], rss_kb), max(peak_procs[0], procs)
                time.sleep(0.1)

        def one(kind: str) -> tuple[int, str | None, float, str, str]:
            started = time.monotonic()
            query = f"wait=60&time_limit_s={args.time_limit}"
            body = document if kind == "plans" else comparison
            response = requests.post(f"{base}/v1/{kind}?{query}", json=body, headers=headers,
                                     timeout=120)  # fmt: skip
            retry = response.headers.get("Retry-After")
            code, status = finished(base, response, headers)
            return code, retry, time.monotonic() - started, status, kind

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        idle_kb = tree_rss_kb(server.pid)[0]
        started = time.monotonic()
        total = args.requests + args.compares
        at = {round(k * total / args.compares) for k in range(args.compares)}
        kinds = ["compare" if i in at else "plans" for i in range(total)]  # spread evenly
        try:
            with ThreadPoolExecutor(len(kinds)) as pool:
                results = list(pool.map(one, kinds))
        finally:
            done.set()
            server.terminate()
            server.wait(10)
        wall = time.monotonic() - started
    answered = [r for r in results if r[0] == 200 and r[3] == "done"]
    refused = [r for r in results if r[0] == 503 and r[1] is not None]
    other = [r for r in results if r not in answered and r not in refused]
    for kind in ("plans", "compare"):
        mine = [r for r in results if r[4] == kind]
        print(f"{kind}: {len(mine)} requests: done {sum(r in answered for r in mine)}, "
              f"503+Retry-After {sum(r in refused for r in mine)}, "
              f"other {sum(r in other for r in mine)}")  # fmt: skip
    print(f"slowest answer {max(r[2] for r in results):.1f} s; wall {wall:.1f} s")
    print(f"Retry-After values: {sorted({int(r[1]) for r in refused if r[1]})}")
    print(f"server RSS idle {idle_kb / 1024:.0f} MiB, peak {peak_kb[0] / 1024:.0f} MiB; "
          f"peak processes (server + solvers) {peak_procs[0]}")  # fmt: skip
    return 0 if not other else 1


if __name__ == "__main__":
    sys.exit(main())
