"""An app served on a free loopback port for the tests that talk to it over HTTP (the
browser tests, the couriers' load test)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """``app`` on a free loopback port (threaded) until the block ends; yields its base URL."""
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.port}"
    finally:
        http.shutdown()
        app.extensions["dispatch"].close()
