import pytest

from tests.integration._hostsite import build_plugin_venv


@pytest.fixture(scope="session")
def plugin_python(tmp_path_factory):
    """One virtualenv with the built wheel per test session (per xdist worker)."""
    return build_plugin_venv(tmp_path_factory.mktemp("plugin"))
