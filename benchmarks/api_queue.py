"""The district day through the HTTP API and Redis: plans per minute with 1, then 2 workers.

For each worker count, a fresh PostgreSQL database and an emptied Redis database: the app
(``dispatch serve``, waitress) queues to RQ (``DISPATCH_QUEUE_URL``), N ``dispatch worker``
processes solve, every canteen's day of ``benchmarks/city.py`` is posted at once
(``POST /v1/plans``; a 503 is retried after its ``Retry-After``), and the list of plans is
read every two seconds until all are done. Throughput counts from the first job started to
the last finished, by the store's own timestamps; each plan is then read once for its
served clients and the verifier's violations. Loopback only, bounded waits; the database is
dropped at the end.

    python benchmarks/api_queue.py [--canteens 100] [--workers 1 2] [--time-limit 2]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
        [--redis-url redis://127.0.0.1:6379/14]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import psycopg
import requests
from api_load import free_port, wait_healthy
from city import city_documents
from cryptography.fernet import Fernet
from redis import Redis
from sqlalchemy.engine import make_url

DEADLINE_S = 1800  # the whole round, submissions to the last plan
CLI = [sys.executable, "-m", "dispatch.cli"]


@contextmanager
def fresh_database(server_url: str, name: str) -> Iterator[str]:
    """A new database ``name`` on the server of ``server_url``; dropped afterwards."""
    url = make_url(server_url)
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start(stack: ExitStack, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A child process, terminated (then killed) when ``stack`` closes."""
    process = subprocess.Popen(
        [*CLI, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )

    def stop() -> None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    stack.callback(stop)
    return process


def submit(
    base: str, headers: dict[str, str], document: dict[str, Any], time_limit_s: float
) -> str:
    """Post one canteen's day; a full queue (503) is asked again after ``Retry-After``."""
    for _ in range(200):
        reply = requests.post(
            f"{base}/v1/plans?time_limit_s={time_limit_s}",
            json=document,
            headers=headers,
            timeout=60,
        )
        if reply.status_code != 503:
            reply.raise_for_status()
            return str(reply.json()["id"])
        time.sleep(float(reply.headers.get("Retry-After", "2")))
    raise RuntimeError("the queue stayed full")


def wait_done(base: str, headers: dict[str, str], ids: set[str]) -> list[dict[str, Any]]:
    """The listed plans once every one of ``ids`` has finished (bounded)."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        reply = requests.get(f"{base}/v1/plans", headers=headers, timeout=60)
        rows = [r for r in reply.json()["plans"] if r["id"] in ids]
        if len(rows) == len(ids) and all(r["status"] not in ("queued", "running") for r in rows):
            return rows
        time.sleep(2)
    raise RuntimeError("plans still unfinished at the deadline")


def one_round(args: argparse.Namespace, workers: int, documents: list[dict[str, Any]]) -> str:
    redis = Redis.from_url(args.redis_url)
    redis.flushdb()  # the benchmark's own Redis database
    name = f"nuanliu_queue_bench_{os.getpid()}"
    with fresh_database(args.database_url, name) as database_url, ExitStack() as stack:
        env = {
            **os.environ,
            "DISPATCH_DATABASE_URL": database_url,
            "DISPATCH_QUEUE_URL": args.redis_url,
            "DISPATCH_DATA_KEY": Fernet.generate_key().decode(),
        }
        made = subprocess.run(
            [*CLI, "keys", "create", "--role", "planner", "--scope", "street"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        headers = {"Authorization": f"Bearer {made.stdout.strip()}"}
        port = free_port()
        start(stack, ["serve", "--port", str(port)], env)
        for _ in range(workers):
            start(stack, ["worker"], env)
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base)
        ids = {submit(base, headers, d, args.time_limit) for d in documents}
        rows = wait_done(base, headers, ids)
        plans = [
            requests.get(f"{base}/v1/plans/{r['id']}", headers=headers, timeout=60).json()
            for r in rows
        ]
    redis.flushdb()
    done = [p for p in plans if p["status"] == "done"]
    began = min(_at(p["started_at"]) for p in done)
    ended = max(_at(p["finished_at"]) for p in done)
    minutes = (ended - began).total_seconds() / 60
    served = sum(p["plan"]["summary"]["served"] for p in done)
    violations = sum(len(p["plan"]["violations"]) for p in done)
    return (
        f"workers={workers} plans={len(done)}/{len(documents)} "
        f"first start → last finish {minutes * 60:.1f} s: {len(done) / minutes:.1f} plans/min; "
        f"served={served} violations={violations}"
    )


def _at(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--canteens", type=int, default=100, help="at most 100 (one page)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--time-limit", type=float, default=2.0, help="solver s per plan")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "DISPATCH_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
        help="a PostgreSQL server (a database of the benchmark's own is made on it)",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args(argv)
    documents = city_documents(args.seed, args.time_limit, min(args.canteens, 100))
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for workers in args.workers:
        print(one_round(args, workers, documents), flush=True)
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
