import pytest

# The browser tests' Chromium (Debian's, with their launch arguments), for the host's browser test.
from tests.browser.conftest import browser_type_launch_args  # noqa: F401
from tests.integration._hostsite import (
    build_plugin_venv,
    build_plugin_venv_without_xblocks,
    build_wheel,
)


@pytest.fixture(scope="session")
def plugin_wheel(tmp_path_factory):
    """The plugin's wheel, built once per test session (per xdist worker)."""
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="session")
def plugin_python(tmp_path_factory, plugin_wheel):
    """One virtualenv with the built wheel per test session (per xdist worker)."""
    return build_plugin_venv(tmp_path_factory.mktemp("plugin"), plugin_wheel)


@pytest.fixture(scope="session")
def plugin_python_without_xblocks(tmp_path_factory, plugin_wheel):
    """One virtualenv with the built wheel but without the `xblocks` extra per session."""
    return build_plugin_venv_without_xblocks(tmp_path_factory.mktemp("plugin-bare"), plugin_wheel)
