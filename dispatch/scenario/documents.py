"""Reading a YAML or JSON file into a document, every failure in our error tree."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import yaml

from dispatch.errors import NotFoundError, ScenarioError
from dispatch.messages import text


class _Loader(yaml.SafeLoader):
    """YAML 1.1 without its surprises: ``10:40`` stays a string, dates stay strings."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^[-+]?(0|[1-9][0-9_]*)$"),
    list("-+0123456789"),
)


def read_document(path: str | Path) -> Any:
    """Decode a YAML or JSON file, translating every failure into our error tree."""
    file = Path(path)
    if not file.is_file():
        raise NotFoundError(str(path), text("file_missing", path=str(path)))
    try:
        raw = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(str(path), text("file_unreadable", detail=err)) from err
    try:
        if file.suffix.lower() == ".json":
            return json.loads(raw)
        stream = io.StringIO(raw)
        stream.name = str(path)  # YAML names the stream in its error messages
        return yaml.load(stream, Loader=_Loader)
    except (json.JSONDecodeError, yaml.YAMLError) as err:
        detail = str(err).replace("\n", " ")
        raise ScenarioError(str(path), text("file_format", detail=detail)) from err
