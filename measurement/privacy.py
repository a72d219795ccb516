"""This app's part of the AVG rights (see organisations/privacy.py). Ratings, self-checks
and intervisie records belong to the school (the oudervolgsysteem has its own retention,
GLANS_MEASUREMENT_RETENTION_YEARS): a person's export lists what they recorded by family
code only (never a family label, a note or other participants), and erasure leaves them,
linked to the anonymised account."""

from wagtail import hooks

from glans_learning.organisations.privacy import EXPORT_HOOK, REGISTER_HOOK, Entry, rows

from .models import (
    AccessLog,
    AppreciationPreference,
    AppreciationTick,
    AppreciationWeek,
    ImportJob,
    Intervisie,
    Rating,
    SelfCheck,
)

SCHOOL = "task of the school (art. 6(1)(e)), the board is controller; GLANS processes"
RETENTION = "GLANS_MEASUREMENT_RETENTION_YEARS after the family's last school year"


@hooks.register(EXPORT_HOOK)
def export(user):
    return {
        "glans_measurement.Rating": rows(
            Rating.objects.filter(rated_by=user),
            "relationship__family__code",
            "moment__date",
            "value",
            "next_step",
            "follow_up",
            "cooperation_impossible",
            "practised_lesson",
            "practised_at",
            "rated_at",
        ),
        "glans_measurement.AppreciationPreference": rows(
            AppreciationPreference.objects.filter(user=user), "channel"
        ),
        "glans_measurement.AppreciationWeek": rows(
            AppreciationWeek.objects.filter(teacher=user), "week", "created_at"
        ),
        "glans_measurement.AppreciationTick": rows(
            AppreciationTick.objects.filter(week__teacher=user),
            "week__week",
            "relationship__family__code",
            "at",
        ),
        "glans_measurement.SelfCheck": rows(
            SelfCheck.objects.filter(teacher=user),
            "relationship__family__code",
            "month",
            "value",
            "updated_at",
        ),
        "glans_measurement.Intervisie": rows(
            Intervisie.objects.filter(recorded_by=user), "moment__date", "held_on"
        ),
        "glans_measurement.AccessLog": rows(
            AccessLog.objects.filter(user=user), "unit__name", "group__name", "what", "at"
        ),
        "glans_measurement.ImportJob": rows(
            ImportJob.objects.filter(requested_by=user),
            "unit__name",
            "status",
            "total",
            "created_at",
            "finished_at",
        ),
    }


@hooks.register(REGISTER_HOOK)
def register():
    kept = "kept (school's data), linked to the anonymised account"
    return {
        "glans_measurement.Relationship": Entry(
            "a teacher's relationship with a family: family code and a label the school chose",
            "oudervolgsysteem (following every parent relationship)",
            SCHOOL,
            RETENTION,
            "teachers of the group, the school's director; boards see aggregates only",
            "not linked to an account",
        ),
        "glans_measurement.Rating": Entry(
            "a teacher's rating of a family relationship, next step, note",
            "oudervolgsysteem",
            SCHOOL,
            RETENTION,
            "teachers of the group, the school's director; boards see aggregates only",
            kept,
        ),
        "glans_measurement.AppreciationPreference": Entry(
            "a teacher's opt-in for the weekly 3-op-1 nudge (off, e-mail or dashboard)",
            "sending the nudge only when wanted",
            "agreement with the school board (art. 6(1)(b)/(e))",
            "while the account exists",
            "the teacher only",
            "kept",
        ),
        "glans_measurement.AppreciationWeek": Entry(
            "a teacher's 3-op-1 weeks (which Mondays a nudge was given)",
            "the private weekly nudge, once per week; the teacher's own streak",
            "agreement with the school board (art. 6(1)(b)/(e))",
            "while the account exists",
            "the teacher only",
            kept,
        ),
        "glans_measurement.AppreciationTick": Entry(
            "appreciative messages a teacher ticked off, by family code",
            "the teacher's own 3-op-1 week",
            "agreement with the school board (art. 6(1)(b)/(e))",
            "with the family (GLANS_MEASUREMENT_RETENTION_YEARS after its last school year)",
            "the teacher only",
            kept,
        ),
        "glans_measurement.SelfCheck": Entry(
            "a teacher's monthly self-check per relationship",
            "oudervolgsysteem",
            SCHOOL,
            RETENTION,
            "the teacher, the school's director",
            kept,
        ),
        "glans_measurement.Intervisie": Entry(
            "intervisie meetings: participants (free text), agreements, who recorded",
            "oudervolgsysteem: team reflection",
            SCHOOL,
            RETENTION,
            "the school's team and director",
            kept,
        ),
        "glans_measurement.AccessLog": Entry(
            "who opened which group's measurement data",
            "accountability for access to family data",
            "legal obligation (art. 32 AVG)",
            RETENTION,
            "the school's director; platform admins",
            kept,
        ),
        "glans_measurement.ImportJob": Entry(
            "imports of pupils/families and who started them",
            "filling the oudervolgsysteem",
            SCHOOL,
            RETENTION,
            "the school's director; platform admins",
            kept,
        ),
    }
