"""Models of the content app: the learner state of exercise blocks (see xblocks.models)."""

from .xblocks.models import LearningRecord, XBlockState

__all__ = ["LearningRecord", "XBlockState"]
