from django.dispatch import Signal

# Sent after a learner answered an activity: kwargs user, lesson.
activity_answered = Signal()

# Sent after a visit to a lesson was recorded for an enrolled learner (not for reloads within
# the visit window): kwargs user, lesson, enrollment_id, visited_at. Apps above courses hook
# in here (e.g. credentials' xAPI "launched"/"experienced" statements).
lesson_visited = Signal()

# Sent once when a learner's lesson becomes completed (after the row is updated, inside the
# request's transaction): kwargs user, lesson. Apps above courses hook in here (e.g. the LTI
# tool sends the new score to a platform's gradebook).
lesson_completed = Signal()
