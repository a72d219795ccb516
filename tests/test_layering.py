"""The plugin's apps are layers: core ← organisations ← content ← courses ← credentials ←
measurement ← certification. A module may import its own app and the apps below it, never one above —
not even inside a function, where an import hides a cycle instead of removing it."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "glans_learning"
LAYERS = [
    "core",
    "organisations",
    "content",
    "courses",
    "credentials",
    "measurement",
    "certification",
]


def _imports(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    module_parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = module_parts[: len(module_parts) - node.level]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            yield node.lineno, name


def _layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "glans_learning" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in LAYERS else None


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def test_there_are_modules_to_check():
    assert len(_modules()) > 20


@pytest.mark.parametrize("layer", LAYERS)
def test_no_app_imports_an_app_above_it(layer):
    rank = LAYERS.index(layer)
    wrong = []
    for path in _modules():
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] != layer:
            continue
        for lineno, module in _imports(path):
            target = _layer_of(module)
            if target is not None and LAYERS.index(target) > rank:
                wrong.append(f"{rel}:{lineno} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_the_plugin_entry_points_are_the_only_modules_above_every_app():
    """`glans_learning/urls.py` and `api.py` assemble the apps; nothing imports them back."""
    wrong = []
    for path in _modules():
        rel = path.relative_to(PACKAGE)
        if len(rel.parts) == 1:
            continue
        for lineno, module in _imports(path):
            if module in {"glans_learning.urls", "glans_learning.api"}:
                wrong.append(f"{rel}:{lineno} imports {module}")
    assert not wrong, "\n".join(wrong)
