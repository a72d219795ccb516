"""The plugin's apps are layers: core ← organisations ← content, measurement ← courses ←
credentials ← certification (docs/architecture.md). A module may import its own app and the
apps below it, never one above nor one beside it (content and measurement share a layer and
know nothing of each other) — not even inside a function, where an import hides a cycle
instead of removing it."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The plugin's entry (urls.py, api.py) and its apps: each app is a folder at the top of the
# repository, installed as glans_learning.<app> (setup.py).
PACKAGE = ROOT / "glans_learning"
LAYERS = [
    "core",
    "organisations",
    "content",
    "measurement",
    "courses",
    "credentials",
    "certification",
    "lti",
    "sso",
]
# Each app's rank; apps of equal rank share a layer and may not import each other.
RANK = {
    "core": 0,
    "organisations": 1,
    "content": 2,
    "measurement": 2,
    "courses": 3,
    "credentials": 4,
    "certification": 5,
    "lti": 5,
    "sso": 5,
}


def _dotted(path: Path) -> tuple[str, ...]:
    """The installed module name of a plugin file, as parts: `courses/services.py` →
    (glans_learning, courses, services)."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return parts if parts[0] == "glans_learning" else ("glans_learning", *parts)


def _rel(path: Path) -> Path:
    """A file's place inside the installed package: `courses/services.py`, `urls.py`."""
    return Path(*_dotted(path)[1:]).with_suffix(".py")


def _imports(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    module_parts = _dotted(path)
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
    roots = [PACKAGE, *(ROOT / layer for layer in LAYERS)]
    return sorted(p for root in roots for p in root.rglob("*.py") if "migrations" not in p.parts)


def test_the_ranks_cover_every_layer():
    assert set(RANK) == set(LAYERS)
    assert [RANK[layer] for layer in LAYERS] == sorted(RANK[layer] for layer in LAYERS)


def test_there_are_modules_to_check():
    assert len(_modules()) > 20


@pytest.mark.parametrize("layer", LAYERS)
def test_no_app_imports_an_app_above_or_beside_it(layer):
    rank = RANK[layer]
    wrong = []
    for path in _modules():
        rel = _rel(path)
        if rel.parts[0] != layer:
            continue
        for lineno, module in _imports(path):
            target = _layer_of(module)
            if target is not None and target != layer and RANK[target] >= rank:
                wrong.append(f"{rel}:{lineno} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_the_plugin_entry_points_are_the_only_modules_above_every_app():
    """`glans_learning/urls.py` and `api.py` assemble the apps; nothing imports them back."""
    wrong = []
    for path in _modules():
        rel = _rel(path)
        if len(rel.parts) == 1:
            continue
        for lineno, module in _imports(path):
            if module in {"glans_learning.urls", "glans_learning.api"}:
                wrong.append(f"{rel}:{lineno} imports {module}")
    assert not wrong, "\n".join(wrong)


# --- import cycles ------------------------------------------------------------------------


def _module_name(path: Path) -> str:
    parts = _dotted(path)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """module → the plugin modules it imports, at module level or inside functions. `from p
    import name` points at the submodule p.name where there is one, else at p."""
    paths = {_module_name(p): p for p in _modules()}
    graph: dict[str, set[str]] = {name: set() for name in paths}
    for name, path in paths.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    module = ".".join([*base, node.module] if node.module else base)
                else:
                    module = node.module or ""
                targets = [
                    f"{module}.{alias.name}" if f"{module}.{alias.name}" in paths else module
                    for alias in node.names
                ]
            for target in targets:
                while target and target not in paths:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def _cycles(graph) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_check_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_the_import_graph_sees_function_level_imports():
    """apps.py imports its signal handlers inside `ready()`: the graph must see that."""
    graph = _import_graph()
    assert "glans_learning.courses.services" in graph["glans_learning.courses.apps"]


def test_no_import_cycles_between_modules():
    """No module imports, directly or through others, a module that imports it back — not
    even inside a function."""
    cycles = _cycles(_import_graph())
    assert not cycles, "\n".join(" ⇄ ".join(c) for c in cycles)


MAX_MODULE_LINES = 600


def test_no_module_is_over_600_lines():
    """Large modules are split by concept (see courses/models/ and courses/selectors/)."""
    long = {
        str(_rel(path)): n
        for path in _modules()
        if (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert not long, long


# --- one import root ----------------------------------------------------------------------

BARE_NAMES = {*LAYERS}


def _all_python_files():
    """Every Python file of the repository that imports plugin code: the apps, the entry,
    the host project, tests, benchmarks and scripts (migrations included)."""
    roots = [
        PACKAGE,
        *(ROOT / layer for layer in LAYERS),
        ROOT / "glans_site",
        ROOT / "tests",
        ROOT / "bench",
        ROOT / "scripts",
    ]
    return sorted(p for root in roots for p in root.rglob("*.py"))


def _bare_imports(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        for name in names:
            if name.split(".")[0] in BARE_NAMES:
                yield node.lineno, name
        if isinstance(node, ast.Call) and getattr(
            node.func, "attr", getattr(node.func, "id", "")
        ) in {
            "import_module",
            "__import__",
        }:
            for arg in node.args[:1]:
                if (
                    isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str)
                    and arg.value.split(".")[0] in BARE_NAMES
                ):
                    yield node.lineno, arg.value


def test_no_code_imports_an_app_by_a_bare_top_level_name():
    """The app folders sit at the top of the repository, so `import courses` would work from
    a checkout and load a second copy of every model; installed, the name does not exist.
    Every import names glans_learning.<app>."""
    wrong = [
        f"{path.relative_to(ROOT)}:{lineno} imports {name}"
        for path in _all_python_files()
        for lineno, name in _bare_imports(path)
    ]
    assert not wrong, "\n".join(wrong)


def test_the_bare_import_check_sees_one():
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "probe.py"
        probe.write_text("from courses.services import enrol\nimport glans_learning.core\n")
        assert [name for _, name in _bare_imports(probe)] == ["courses.services"]


def test_installed_module_names_are_under_one_root():
    """Every plugin module resolves to glans_learning.<app>… and the app modules import as
    such (the editable install maps the folders, as the wheel does)."""
    import importlib

    for layer in LAYERS:
        module = importlib.import_module(f"glans_learning.{layer}")
        assert Path(module.__file__).resolve().parent == (ROOT / layer).resolve()
    assert {_module_name(p).split(".")[0] for p in _modules()} == {"glans_learning"}
