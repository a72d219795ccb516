"""Demo data for `make demo`. Demo only: the accounts have a published password. This
command lives in the host project (never in the plugin) and refuses to run in production."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from glans_learning.courses.models import (
    ProgrammeAccreditation,
    ProgrammeIndexPage,
    ProgrammePage,
    Register,
    Session,
)
from glans_learning.organisations.models import (
    Board,
    Group,
    OrganisationUnit,
    RoleCode,
    SchoolYear,
    UnitType,
)
from glans_learning.organisations.services import membership_grant
from glans_site.demo.certification_demo import seed_certification
from glans_site.demo.credentials_demo import seed_credentials
from glans_site.demo.measurement_demo import seed_measurement

DEMO_PASSWORD = "glans-demo"  # noqa: S105 - published demo password, demo only

ACCOUNTS = [
    # username, first, last, unit key (None = academy), roles
    ("beheerder", "Bea", "Beheer", None, [RoleCode.PLATFORM_ADMIN]),
    ("auditor", "Aart", "Auditor", None, [RoleCode.ACADEMY_AUDITOR]),
    ("academietrainer", "Tineke", "Trainer", None, [RoleCode.ACADEMY_TRAINER]),
    (
        "directeur.zonnebloem",
        "Dirk",
        "de Vries",
        "zonnebloem",
        [
            RoleCode.DIRECTOR,
            RoleCode.TDT_PARTICIPANT,
            RoleCode.SCHOOL_EXPERTGROEP,
            RoleCode.BOARD_EXPERTGROEP,
        ],
    ),
    (
        "trainer.zonnebloem",
        "Fatima",
        "El Amrani",
        "zonnebloem",
        [RoleCode.LEARNER, RoleCode.TDT_PARTICIPANT, RoleCode.SCHOOL_EXPERTGROEP],
    ),
    ("leraar.zonnebloem", "Lotte", "Jansen", "zonnebloem", [RoleCode.LEARNER]),
    ("ib.zonnebloem", "Ilse", "Bakker", "zonnebloem", [RoleCode.IB, RoleCode.LEARNER]),
    ("leraar.regenboog", "Ruben", "Smit", "regenboog", [RoleCode.LEARNER]),
    (
        "directeur.regenboog",
        "Dana",
        "Visser",
        "regenboog",
        [RoleCode.DIRECTOR, RoleCode.TDT_PARTICIPANT],
    ),
    ("pm.speelhuis", "Priya", "Ramdin", "speelhuis", [RoleCode.LEARNER, RoleCode.TDT_PARTICIPANT]),
]


class Command(BaseCommand):
    help = (
        "Create the demo board, schools, accounts (password 'glans-demo') and sessions. Idempotent."
    )

    def handle(self, *args, **options):
        if not (settings.DEBUG or getattr(settings, "GLANS_ALLOW_DEMO_DATA", False)):
            raise CommandError(
                "seed_demo only runs with DEBUG=True: it creates accounts with a public password."
            )
        with transaction.atomic():
            self._site_root()
        call_command("load_course_material", stdout=self.stdout)
        with transaction.atomic():
            year = self._school_year()
            units = self._organisations(year)
            users = self._accounts(units, year)
            self._registers()
            self._sessions(units, users, year)
            self._progress(units, users, year)
            seed_credentials(users=users)
            seed_measurement(units=units, users=users, password=DEMO_PASSWORD)
            seed_certification(units=units, users=users)
            self._lti(units)
            self._sso(units, users)
            codes = self._two_factor_codes(users)
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Log in with e.g. beheerder / glans-demo.")
        )
        for username, user_codes in codes.items():
            self.stdout.write(
                f"Two-factor backup codes for {username} (the admin asks for two-factor "
                f"authentication; each code works once): {' '.join(user_codes)}"
            )

    def _lti(self, units):
        """An example learning platform placed at De Zonnebloem (admin: LTI-koppelingen), as a
        platform admin would register it (docs/lti.md); its addresses are placeholders."""
        from django.apps import apps

        if not apps.is_installed("glans_learning.lti"):
            return
        from lti_tool.models import LtiDeployment, LtiRegistration

        from glans_learning.lti.models import Placement

        registration, _created = LtiRegistration.objects.get_or_create(
            issuer="https://lms.voorbeeld.invalid",
            client_id="glans-demo",
            defaults={
                "name": "Voorbeeld-leerplatform (demo)",
                "auth_url": "https://lms.voorbeeld.invalid/auth",
                "token_url": "https://lms.voorbeeld.invalid/token",
                "keyset_url": "https://lms.voorbeeld.invalid/jwks",
            },
        )
        LtiDeployment.objects.get_or_create(
            registration=registration, deployment_id="1", defaults={"is_active": True}
        )
        Placement.objects.get_or_create(
            registration=registration, defaults={"unit": units["zonnebloem"]}
        )

    def _sso(self, units, users):
        """De Zonnebloem's identity provider (docs/sso.md): the loopback OpenID Connect
        provider that `make demo-sso` starts (scripts/demo_idp.py, port SSO_PORT, default
        8010), so "Inloggen met De Zonnebloem" works for leraar.zonnebloem / glans-demo.
        Published demo values; without `make demo-sso` the button says the provider is down."""
        import os

        from django.apps import apps

        if not apps.is_installed("glans_learning.sso"):
            return
        from glans_learning.sso.models import IdentityProvider, Protocol, SchoolLoginSettings
        from glans_learning.sso.services import provider_save

        port = os.environ.get("SSO_PORT", "8010") or "8010"
        provider = IdentityProvider.objects.filter(slug="zonnebloem").first() or IdentityProvider(
            slug="zonnebloem"
        )
        provider.name = "De Zonnebloem"
        provider.protocol = Protocol.OIDC
        provider.board = units["zonnebloem"].board
        provider.email_domains = "demo.glans.invalid"
        provider.server_url = f"http://127.0.0.1:{port}"
        provider.client_id = "glans-demo-zonnebloem"
        provider_save(
            by=users["beheerder"],
            provider=provider,
            units=[units["zonnebloem"]],
            secret="glans-demo-zonnebloem-oidc-secret",  # noqa: S106 - published demo value
        )
        # Password login stays on, so the demo's teachers keep working without the IdP.
        SchoolLoginSettings.objects.get_or_create(
            unit=units["zonnebloem"], defaults={"password_login": True}
        )

    def _two_factor_codes(self, users) -> dict[str, list[str]]:
        """Platform admins and auditors must use two-factor authentication in the admin. The
        demo gives them backup codes (printed) so it can be walked without a phone."""
        from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

        codes = {}
        for username in ("beheerder", "auditor"):
            user = users[username]
            StaticDevice.objects.filter(user=user, name="demo").delete()
            device = StaticDevice.objects.create(user=user, name="demo", confirmed=True)
            codes[username] = [StaticToken.random_token() for _i in range(5)]
            StaticToken.objects.bulk_create(
                [StaticToken(device=device, token=code) for code in codes[username]]
            )
        return codes

    def _site_root(self):
        """Make the programme overview the home page of the demo site."""
        if ProgrammeIndexPage.objects.exists():
            return
        root = Page.get_first_root_node()
        index = ProgrammeIndexPage(
            title="Leeraanbod",
            slug="leeraanbod",
            intro="<p>Welkom bij het GLANS-leerplatform: Train-de-Trainer en de jaarlijkse Glans-workshop.</p>",
        )
        root.add_child(instance=index)
        index.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        old_root = site.root_page if site else None
        if site is None:
            Site.objects.create(
                hostname="localhost",
                port=80,
                root_page=index,
                is_default_site=True,
                site_name="GLANS",
            )
        else:
            site.root_page = index
            site.site_name = "GLANS"
            site.save()
        if old_root is not None and old_root.specific_class is Page and old_root.slug == "home":
            old_root.delete()

    def _school_year(self):
        today = timezone.localdate()
        start_year = today.year if today.month >= 8 else today.year - 1
        year, _ = SchoolYear.objects.get_or_create(
            label=f"{start_year}-{start_year + 1}",
            defaults={
                "start_date": datetime.date(start_year, 8, 1),
                "end_date": datetime.date(start_year + 1, 7, 31),
            },
        )
        return year

    def _organisations(self, year):
        board, _ = Board.objects.get_or_create(
            name="Stichting Samen Leren", defaults={"short_name": "SSL"}
        )
        specs = {
            "zonnebloem": ("De Zonnebloem", UnitType.PO, "Utrecht"),
            "speelhuis": ("Kinderopvang Het Speelhuis", UnitType.KO, "Utrecht"),
            "regenboog": ("De Regenboog", UnitType.IKC, "Nieuwegein"),
        }
        units = {}
        for key, (name, unit_type, city) in specs.items():
            units[key], _ = OrganisationUnit.objects.get_or_create(
                board=board, name=name, defaults={"unit_type": unit_type, "city": city}
            )
        for grade in range(1, 9):
            Group.objects.get_or_create(
                unit=units["zonnebloem"],
                name=f"Groep {grade}",
                school_year=year,
                defaults={"grade": grade},
            )
        for name, grade in [("Groep 1-2", 1), ("Groep 3", 3), ("Groep 4-5", 4), ("Groep 6-7-8", 6)]:
            Group.objects.get_or_create(
                unit=units["regenboog"], name=name, school_year=year, defaults={"grade": grade}
            )
        for name in ["Peutergroep De Vlinders", "BSO De Ontdekkers"]:
            Group.objects.get_or_create(unit=units["speelhuis"], name=name, school_year=year)
        return units

    def _accounts(self, units, year):
        User = get_user_model()
        users = {}
        for username, first, last, unit_key, roles in ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@demo.glans.invalid",
                },
            )
            if created or not user.has_usable_password():
                user.set_password(DEMO_PASSWORD)
            if username == "beheerder":
                user.is_staff = True
                user.is_superuser = True
            user.save()
            membership_grant(
                user=user,
                unit=units.get(unit_key) if unit_key else None,
                role_codes=roles,
                school_year=None if unit_key is None else year,
            )
            users[username] = user
        return users

    def _registers(self):
        slr, _ = Register.objects.get_or_create(
            name="Schoolleidersregister PO",
            defaults={
                "unit": Register.Unit.POINTS,
                "cycle_years": 4,
                "required_per_cycle": 100,
                "themes": "Onderwijskundig leiderschap\nOmgeving en samenwerking\nHet team leiden",
                "notes": "Controleer de actuele regels van het register; ze zijn hier data, geen code.",
            },
        )
        portfolio, _ = Register.objects.get_or_create(
            name="Lerarenportfolio (registeruren)",
            defaults={
                "unit": Register.Unit.HOURS,
                "cycle_years": 4,
                "required_per_cycle": 160,
                "notes": "Vrijwillig portfolio; 1 registeruur = 1 uur studiebelasting.",
            },
        )
        for programme in ProgrammePage.objects.all():
            hours = programme.study_load_hours
            if not programme.accreditations.exists():
                ProgrammeAccreditation.objects.create(
                    page=programme, register=portfolio, points=hours, accreditation_id="DEMO-RU"
                )
                if programme.audience == "tdt":
                    ProgrammeAccreditation.objects.create(
                        page=programme, register=slr, points=hours, accreditation_id="DEMO-SLR"
                    )

    def _sessions(self, units, users, year):
        tdt = ProgrammePage.objects.filter(audience="tdt").first()
        workshop = ProgrammePage.objects.filter(audience="workshop").first()
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        specs = []
        if tdt:
            specs += [
                (
                    tdt,
                    None,
                    Session.Kind.TDT,
                    "TdT-bijeenkomst 1: grondhouding en gesprek",
                    14,
                    "Academie, Utrecht",
                    users["academietrainer"],
                ),
                (
                    tdt,
                    None,
                    Session.Kind.TDT,
                    "TdT-bijeenkomst 2: lijn en ambitie",
                    42,
                    "Academie, Utrecht",
                    users["academietrainer"],
                ),
                (
                    tdt,
                    units["zonnebloem"],
                    Session.Kind.TEAM,
                    "Teambijeenkomst De Zonnebloem: de S van Systeem",
                    28,
                    "Teamkamer De Zonnebloem",
                    users["trainer.zonnebloem"],
                ),
            ]
        if workshop:
            specs.append(
                (
                    workshop,
                    None,
                    Session.Kind.ONLINE,
                    "Vragenuur jaarlijkse Glans-workshop",
                    7,
                    "",
                    users["academietrainer"],
                )
            )
        for programme, unit, kind, title, days, location, trainer in specs:
            session, created = Session.objects.get_or_create(
                programme=programme,
                title=title,
                defaults={
                    "unit": unit,
                    "kind": kind,
                    "starts_at": now + datetime.timedelta(days=days),
                    "ends_at": now + datetime.timedelta(days=days, hours=3),
                    "location": location,
                    "online_url": "" if location else "https://meet.example.invalid/glans",
                    "capacity": 30,
                    "school_year": year,
                    "planned_by": trainer if unit is None else None,
                    "is_official": unit is None,
                    "agenda": "Opening en terugblik\nVerdieping in tweetallen\nAfspraken voor de teamsessie",
                },
            )
            if created:
                session.trainers.add(trainer)
            if kind == Session.Kind.TEAM and session.guide_id is None:
                self._give_guide(session, letter="S")

    def _give_guide(self, session, *, letter):
        """A team session is given with the trainer guide of its module, so its page links to
        the presenter view (set once; a guide chosen later is left alone)."""
        from glans_learning.courses.models import LessonPage, ModulePage

        module = ModulePage.objects.live().child_of(session.programme).filter(letter=letter).first()
        guide = (
            LessonPage.objects.live().child_of(module).filter(is_trainer_guide=True).first()
            if module
            else None
        )
        if guide is None:
            return
        session.guide = guide
        session.save(update_fields=["guide"])
        session.modules.add(module)

    def _progress(self, units, users, year):
        """TdT participants of De Zonnebloem are enrolled in Train-de-Trainer, attended the
        kick-off and made a start, so the dashboards have something to show."""
        from glans_learning.courses import services
        from glans_learning.courses.models import (
            Attendance,
            Enrollment,
            LessonPage,
            SessionRegistration,
        )

        tdt = ProgrammePage.objects.filter(audience="tdt").first()
        if tdt is None:
            return
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        kickoff, _ = Session.objects.get_or_create(
            programme=tdt,
            title="TdT-bijeenkomst 0: aftrap",
            defaults={
                "kind": Session.Kind.TDT,
                "starts_at": now - datetime.timedelta(days=21),
                "ends_at": now - datetime.timedelta(days=21, hours=-3),
                "location": "Academie, Utrecht",
                "school_year": year,
                # Planned by the academy: one of the programme's official sessions, so being
                # present counts toward it (as the points earned for it say).
                "planned_by": users["academietrainer"],
                "is_official": True,
            },
        )
        kickoff.trainers.add(users["academietrainer"])
        first_lessons = list(LessonPage.objects.live().descendant_of(tdt).order_by("path")[:2])
        for username in ("directeur.zonnebloem", "trainer.zonnebloem", "directeur.regenboog"):
            user = users[username]
            unit = units["regenboog" if "regenboog" in username else "zonnebloem"]
            Enrollment.objects.get_or_create(
                user=user,
                programme=tdt,
                school_year=year,
                defaults={"unit": unit, "enrolled_by": users["beheerder"]},
            )
            SessionRegistration.objects.get_or_create(
                session=kickoff,
                user=user,
                defaults={
                    "attendance": Attendance.PRESENT,
                    "recorded_by": users["academietrainer"],
                    "recorded_at": kickoff.ends_at,
                    "confirmation_sent_at": kickoff.starts_at,
                },
            )
            if username == "trainer.zonnebloem":
                for lesson in first_lessons:
                    services.lesson_open(user=user, lesson=lesson)
