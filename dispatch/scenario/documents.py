"""Reading a YAML or JSON file into a document, every failure in our error tree.

Files are bounded (``limits``): size, nesting and, for YAML, the number of values. YAML
aliases and duplicate keys in either format are refused, with the path where they stand.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from dispatch.errors import NotFoundError, ScenarioError
from dispatch.messages import text
from dispatch.scenario.json_schema import field_path
from dispatch.scenario.limits import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_FILE_MB,
    MAX_YAML_NODES,
    check_text,
    walk,
)


class _Resolver(Resolver):
    """YAML 1.1's implicit types less timestamps, and integers only in decimal."""


_Resolver.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int")
    ]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^[-+]?(0|[1-9][0-9_]*)$"),
    list("-+0123456789"),
)


if TYPE_CHECKING:  # both parsers give the events (PyYAML's in Python, libyaml's in C)
    _Events = Parser
else:
    _Events = object


class _Checks(Composer, SafeConstructor, _Resolver, _Events):
    """YAML 1.1 without its surprises: ``10:40`` stays a string, dates stay strings.

    Composing refuses aliases (so an alias bomb never expands), duplicate keys, nesting
    beyond ``MAX_DEPTH`` and more than ``MAX_YAML_NODES`` values, before building anything.
    """

    def _start_checks(self) -> None:
        self._path: list[str | int | None] = []
        self._keys: list[set[Any]] = []
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self._path.append(self._part(index))
        try:
            if self.check_event(yaml.AliasEvent):
                raise self._refusal("yaml_alias", name=self.peek_event().anchor)
            self._nodes += 1
            if self._nodes > MAX_YAML_NODES:
                raise ScenarioError("", text("too_many_nodes", limit=f"{MAX_YAML_NODES:,}"))
            collection = self.check_event(yaml.MappingStartEvent, yaml.SequenceStartEvent)
            if collection and self._depth >= MAX_DEPTH:
                raise self._refusal("too_deep", limit=MAX_DEPTH)
            self._depth += collection
            node = super().compose_node(parent, index)
            self._depth -= collection
            return node
        finally:
            self._path.pop()

    def compose_mapping_node(self, anchor: Any) -> yaml.MappingNode:
        self._keys.append(set())
        try:
            return super().compose_mapping_node(anchor)
        finally:
            self._keys.pop()

    def _part(self, index: Any) -> str | int | None:
        """The path part of the node composed next; a repeated key is refused here."""
        if not isinstance(index, yaml.ScalarNode):
            return index if isinstance(index, int) else None
        merge = index.tag == "tag:yaml.org,2002:merge"  # "<<" has no constructor of its own
        key = index.value if merge else self.construct_object(index)
        if key in self._keys[-1]:
            raise self._refusal("duplicate_key", [str(key)], name=key)
        self._keys[-1].add(key)
        return str(key)

    def _refusal(self, code: str, more: Sequence[str] = (), **params: object) -> ScenarioError:
        """The error ``code`` at the path being composed (``more`` parts below it)."""
        parts = [p for p in self._path if p is not None]
        return ScenarioError(field_path([*parts, *more]), text(code, **params))


class _Loader(_Checks, Parser, Scanner, Reader):
    """PyYAML's own reader, scanner and parser: it says what is wrong with a broken file."""

    def __init__(self, stream: io.StringIO) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        _Resolver.__init__(self)
        self._start_checks()


_FastLoader: type[_Checks] | None = None
if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _LibyamlLoader(_Checks, CParser):
        """The same with libyaml's scanner and parser (C, about four times faster); a file it
        refuses is read again by ``_Loader`` for PyYAML's own verdict and message."""

        def __init__(self, stream: io.StringIO) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            _Resolver.__init__(self)
            self._start_checks()

    _FastLoader = _LibyamlLoader


class _Repeated(dict[str, Any]):
    """A JSON object that gave ``key`` twice (found by the walk, which knows the path)."""

    def __init__(self, pairs: list[tuple[str, Any]], key: str) -> None:
        super().__init__(pairs)
        self.key = key


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            return _Repeated(pairs, key)
        seen.add(key)
    return dict(pairs)


def read_text(path: str | Path) -> str:
    """A UTF-8 file's text (a BOM is dropped), at most ``MAX_FILE_BYTES`` of it."""
    file = Path(path)
    if not file.is_file():
        raise NotFoundError(str(path), text("file_missing", path=str(path)))
    try:
        with file.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise ScenarioError(str(path), text("file_too_large", limit=MAX_FILE_MB))
        return raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(str(path), text("file_unreadable", detail=err)) from err


def read_document(path: str | Path) -> Any:
    """Decode a YAML or JSON file, translating every failure into our error tree."""
    raw = read_text(path)
    try:
        document = _decode(raw, path)
        _check(document)
    except ScenarioError as err:
        raise ScenarioError(f"{path}:{err.field}" if err.field else str(path), err.reason) from err
    return document


def decode_json(raw: str) -> Any:
    """JSON text of an HTTP body, under the rules of files: depth, keys given twice, bad text.

    Text that is not JSON at all raises ``ValueError`` (``json.JSONDecodeError``).
    """
    try:
        document = json.loads(raw, object_pairs_hook=_object)
    except RecursionError as err:
        raise ScenarioError("", text("too_deep", limit=MAX_DEPTH)) from err
    _check(document)
    return document


def _check(document: Any) -> None:
    """Depth and text of every value, and no key given twice (paths as the gate writes them)."""
    for parts, value in walk(document):
        check_text(parts, value)
        if isinstance(value, _Repeated):
            key = field_path([*parts, value.key])
            raise ScenarioError(key, text("duplicate_key", name=value.key))


def _decode(raw: str, path: str | Path) -> Any:
    try:
        if Path(path).suffix.lower() == ".json":
            return json.loads(raw, object_pairs_hook=_object)
        if _FastLoader is not None:
            try:
                return _load_yaml(_FastLoader, raw, path)
            except yaml.YAMLError:
                pass  # PyYAML's own parser tells what is wrong, as it always has
        return _load_yaml(_Loader, raw, path)
    except RecursionError as err:
        raise ScenarioError("", text("too_deep", limit=MAX_DEPTH)) from err
    except (json.JSONDecodeError, yaml.YAMLError) as err:
        detail = str(err).replace("\n", " ")
        raise ScenarioError("", text("file_format", detail=detail)) from err


def _load_yaml(loader_class: type[_Checks], raw: str, path: str | Path) -> Any:
    stream = io.StringIO(raw)
    stream.name = str(path)  # YAML names the stream in its error messages
    loader: Any = loader_class(stream)  # type: ignore[call-arg]  # both take the stream
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
