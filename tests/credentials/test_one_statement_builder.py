"""The learning records are built in one place (services.statement_record), not copied into
every task."""

import ast
from pathlib import Path

CREDENTIALS = Path(__file__).resolve().parents[2] / "credentials"


def _statement_calls():
    for path in sorted(CREDENTIALS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "statement"
                and getattr(node.func.value, "id", "") == "xapi"
            ):
                yield path.name


def test_xapi_statements_are_built_once():
    assert list(_statement_calls()) == ["services.py"]
