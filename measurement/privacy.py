"""This app's part of the AVG rights (see organisations/privacy.py). Ratings, self-checks
and intervisie records belong to the school (the oudervolgsysteem has its own retention,
GLANS_MEASUREMENT_RETENTION_YEARS): a person's export lists what they recorded by family
code only (never a family label, a note or other participants), and erasure leaves them,
linked to the anonymised account."""

from wagtail import hooks

from glans_learning.organisations.privacy import EXPORT_HOOK, REGISTER_HOOK, Entry, rows

from .models import AccessLog, ImportJob, Intervisie, Rating, SelfCheck

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
            "rated_at",
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
