from django.dispatch import Signal

# Sent after a learner answered an activity: kwargs user, lesson.
activity_answered = Signal()
