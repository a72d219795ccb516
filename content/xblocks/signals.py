from django.dispatch import Signal

# Sent when an exercise block publishes a `grade` or `completion` event for a learner, from
# inside the handler's transaction. kwargs: user, page_id, block_id, usage_id, block_type,
# score (0..1 or None), completed (bool). The courses app records it as the learner's
# activity result (content cannot import courses).
exercise_result = Signal()
