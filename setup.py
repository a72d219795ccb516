"""Packaging: each app folder at the top of the repository is installed as
`glans_learning.<app>`, so a host's site-packages gets one import root and no generic names
(`core`, `content`, `courses`). Everything else lives in pyproject.toml."""

from setuptools import find_packages, setup

# The plugin's apps, in layer order (docs/architecture.md); each is a folder at the top.
APPS = (
    "core",
    "organisations",
    "content",
    "measurement",
    "courses",
    "credentials",
    "certification",
    "lti",
    "sso",
)

package_dir = {"glans_learning": "glans_learning"}
packages = ["glans_learning"]
for app in APPS:
    package_dir[f"glans_learning.{app}"] = app
    packages += [f"glans_learning.{app}"]
    packages += [f"glans_learning.{app}.{sub}" for sub in find_packages(app)]

setup(package_dir=package_dir, packages=packages)
