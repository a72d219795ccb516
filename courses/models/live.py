"""A session run from the projector (issue #25): a short-lived code colleagues open on their
phone, who said they are there (the trainer confirms attendance), and the anonymous answers
to the session's calibration cases."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .sessions import Session


class LiveCode(models.Model):
    """The code on the projector; it expires after a few hours."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="live_codes")
    code = models.CharField(_("code"), max_length=12, unique=True)
    expires_at = models.DateTimeField(_("geldig tot"))

    def __str__(self):
        return self.code


class LiveCheckIn(models.Model):
    """A colleague said "ik ben er" with the code. Not attendance: that is recorded only when
    the trainer confirms (through the attendance rules). `answered` lists the calibration
    cases this person answered — never what they answered."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="live_checkins")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    answered = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["at"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="one_live_checkin")]

    def __str__(self):
        return f"{self.session_id}/{self.user_id}"


class CalibrationAnswer(models.Model):
    """One anonymous answer to a calibration case of a session: no person is stored."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="calibration_answers"
    )
    case = models.PositiveSmallIntegerField(_("case"))
    value = models.CharField(_("waardering"), max_length=10)

    def __str__(self):
        return f"{self.session_id} #{self.case}: {self.value}"
