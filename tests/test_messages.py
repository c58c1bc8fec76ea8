"""One translation point: every sentence in dispatch/messages/, every code rendered there."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re

from conftest import REPO

import dispatch.messages
from dispatch.messages import _CATALOGUE, text


def sources():
    yield REPO / "api.py"
    yield from (p for p in (REPO / "dispatch").rglob("*.py") if "migrations" not in p.parts)


def test_no_sentence_is_written_as_a_text_outside_the_catalogue():
    found = []
    for path in sources():
        if "messages" in path.relative_to(REPO).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Text"
                and any(isinstance(a, ast.Constant | ast.JoinedStr) for a in node.args)
            ):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert found == []


def test_every_code_a_module_renders_is_in_the_catalogue():
    call = re.compile(r"\b(?:text|message)\(\s*\"([a-z0-9_]+)\"")
    used = {code for path in sources() for code in call.findall(path.read_text(encoding="utf-8"))}
    assert used and used <= set(_CATALOGUE)


def test_each_sentence_has_both_languages_and_the_chinese_is_chinese():
    for code, (en, zh) in _CATALOGUE.items():
        assert en.strip() and zh.strip(), code
    assert text("too_small", limit=1, got=0).zh == "不能小于 1（实际为 0）"


def test_the_catalogues_parts_never_give_one_code_twice():
    names = [m.name for m in pkgutil.iter_modules(dispatch.messages.__path__)]
    parts = [importlib.import_module(f"dispatch.messages.{n}").CATALOGUE for n in names]
    source = (REPO / "dispatch" / "messages" / "__init__.py").read_text(encoding="utf-8")
    base = set(re.findall(r'^    "([a-z0-9_]+)": \(', source, re.M))
    codes = [c for part in parts for c in part] + sorted(base)
    assert len(codes) == len(set(codes)) == len(_CATALOGUE)
