"""The production static files storage: WhiteNoise's compressed, hashed storage, with the
resources of community XBlocks left as they are (see glans_learning.content.xblocks.storage)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage

from glans_learning.content.xblocks.storage import XBlockResourcesAsTheyAre


class StaticFilesStorage(XBlockResourcesAsTheyAre, CompressedManifestStaticFilesStorage):
    pass
