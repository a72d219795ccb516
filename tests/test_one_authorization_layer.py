"""Authorization lives in the permissions modules: organisations/permissions.py is the layer,
and an app's own permissions.py only composes its predicates. Nothing else decides access
from roles (docs/architecture.md, docs/roles.md)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = [
    "core",
    "organisations",
    "content",
    "measurement",
    "courses",
    "credentials",
    "certification",
    "sso",
]

# Reading these is deciding from roles: the role look-up and its flags. (Role codes as data —
# granting a role, listing a school's directors — are not decisions and stay allowed.)
ROLE_ATTRIBUTES = {
    "is_superuser",
    "is_platform_admin",
    "is_academy",
    "user_roles",
    "units_with",
    "has_unit_role",
    "by_unit",
}
ROLE_NAMES = {"user_roles"}


def _is_permissions_module(path: Path) -> bool:
    return path.name == "permissions.py"


def _plugin_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or _is_permissions_module(path):
                continue
            yield path


def role_checks(source: str):
    """(line, what) for every role decision in `source`: attribute reads such as
    `.is_platform_admin`/`.is_superuser`, the role look-up, `role == …`."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ROLE_ATTRIBUTES:
            # permissions.is_platform_admin(user) is asking the layer: fine.
            if isinstance(node.value, ast.Name) and node.value.id.endswith("permissions"):
                continue
            yield node.lineno, f".{node.attr}"
        elif isinstance(node, ast.Name) and node.id in ROLE_NAMES:
            yield node.lineno, node.id
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in ROLE_NAMES:
                    yield node.lineno, f"import {alias.name}"
        elif isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                name = getattr(side, "attr", getattr(side, "id", ""))
                if name in {"role", "role_code"} and isinstance(
                    node.ops[0], (ast.Eq, ast.NotEq, ast.In, ast.NotIn)
                ):
                    yield node.lineno, f"{name} compared"


def test_the_scan_sees_role_checks():
    found = dict(
        role_checks(
            "if user.is_superuser or user_roles(user).is_platform_admin: pass\n"
            "ok = membership.role == 'director'\n"
            "x = permissions.is_platform_admin(user)\n"
        )
    )
    assert set(found) == {1, 2}


def test_nothing_outside_the_permissions_modules_decides_from_roles():
    wrong = [
        f"{path.relative_to(ROOT)}:{line} {what}"
        for path in _plugin_modules()
        for line, what in role_checks(path.read_text())
    ]
    assert not wrong, "\n".join(wrong)


def test_the_scan_leaves_asking_the_layer_alone():
    assert not list(role_checks("ok = permissions.is_platform_admin(user)\n"))
