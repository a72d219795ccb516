"""A staticfiles finder for the public resources of the allow-listed XBlocks, so blocks'
CSS/JS/images are served (and collected) as `xblock/<type>/public/…`. Add
``"glans_learning.content.xblocks.finders.XBlockResourceFinder"`` to STATICFILES_FINDERS."""

from __future__ import annotations

from importlib import resources as importlib_resources
from pathlib import Path

from django.contrib.staticfiles import utils
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

from . import allowed_types, load_class, package_of

PUBLIC_DIR = "public"


def _public_dirs() -> dict[str, Path]:
    dirs = {}
    for block_type in allowed_types():
        block_class = load_class(block_type)
        if block_class is None:
            continue
        try:
            root = Path(str(importlib_resources.files(package_of(block_class))))
        except (ModuleNotFoundError, TypeError):
            continue
        public = root / PUBLIC_DIR
        if public.is_dir():
            dirs[block_type] = public
    return dirs


class XBlockResourceFinder(BaseFinder):
    def find(self, path, find_all=False, **kwargs):
        matches = []
        parts = path.split("/", 3)
        if len(parts) == 4 and parts[0] == "xblock" and parts[2] == PUBLIC_DIR:
            public = _public_dirs().get(parts[1])
            if public is not None:
                candidate = (public / parts[3]).resolve()
                if candidate.is_file() and public.resolve() in candidate.parents:
                    matches.append(str(candidate))
        if not find_all:
            return matches[0] if matches else []
        return matches

    def list(self, ignore_patterns):
        for block_type, public in _public_dirs().items():
            storage = FileSystemStorage(location=str(public))
            storage.prefix = f"xblock/{block_type}/{PUBLIC_DIR}"
            for path in utils.get_files(storage, ignore_patterns):
                yield path, storage
