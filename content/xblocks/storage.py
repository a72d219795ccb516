"""Static files storage for hosts that hash their static files (``ManifestStaticFilesStorage``
and its kin, such as WhiteNoise's ``CompressedManifestStaticFilesStorage``).

Community XBlocks are not ours: their CSS may name files they do not ship (a missing
``.map`` or image), and Django's hashing storage then stops ``collectstatic`` with an error,
after which every page that uses ``{% static %}`` fails because the manifest was never
written. :class:`XBlockResourcesAsTheyAre` leaves the resources the XBlockResourceFinder
collects (``xblock/<type>/public/…``) as they are: copied, not post-processed, served under
their own names. Everything else (the plugin's and the host's files) is still hashed, and a
broken reference there still stops ``collectstatic``.

In a host's settings::

    STORAGES = {
        ...,
        "staticfiles": {
            "BACKEND": "glans_learning.content.xblocks.storage.ManifestStaticFilesStorage"
        },
    }

or mix :class:`XBlockResourcesAsTheyAre` into the host's own storage class (first in the
bases). The system check ``glans_content.W003`` names a hashing storage without it.
"""

from __future__ import annotations

from django.contrib.staticfiles import storage as django_storage

XBLOCK_PREFIX = "xblock/"


def is_xblock_resource(name: str) -> bool:
    return name.replace("\\", "/").lstrip("/").startswith(XBLOCK_PREFIX)


class XBlockResourcesAsTheyAre:
    """Mixin for a ``HashedFilesMixin`` storage: XBlock resources are neither post-processed
    nor looked up in the manifest."""

    def post_process(self, paths, dry_run=False, **options):
        own = {name: value for name, value in paths.items() if not is_xblock_resource(name)}
        yield from super().post_process(own, dry_run=dry_run, **options)

    def stored_name(self, name):
        if is_xblock_resource(name):
            return name
        return super().stored_name(name)


class ManifestStaticFilesStorage(
    XBlockResourcesAsTheyAre, django_storage.ManifestStaticFilesStorage
):
    """Django's ManifestStaticFilesStorage, with community XBlock resources left as they are."""
