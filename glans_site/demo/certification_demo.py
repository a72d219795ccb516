"""Demo data for 'School met Glans' (called from seed_demo; idempotent): De Regenboog is
certified and in the public register; De Zonnebloem has applied (intake and review done,
the conversation still to plan); Kinderopvang Het Speelhuis is drafting its first handbook."""

from glans_learning.certification import selectors, services
from glans_learning.certification.models import Application, Certificate, Handbook, Status
from glans_learning.organisations.models import RoleCode, SchoolYear
from glans_learning.organisations.services import membership_grant

TEXTS = {
    "G1": "In elk gesprek gaan wij ervan uit dat de ouder het eigen kind het beste kent. We "
    "beginnen met luisteren en vragen door voordat we iets voorstellen. Nieuwe collega's "
    "oefenen dit in de workshop en in een gesprek met een ervaren collega erbij.",
    "L1": "In de eerste drie weken voeren we met elke ouder een kennismakingsgesprek over "
    "verwachtingen en wensen. Halverwege het jaar vieren we samen wat goed ging. In juni "
    "dragen we elke relatie persoonlijk over aan de collega van het volgende jaar.",
    "A1": "Ons doel is dat iedere ouder op een eigen manier betrokken is. Elke leerkracht "
    "maakt in september met iedere ouder een korte afspraak over hoe en wanneer we contact "
    "houden, en we kijken in het voorjaar samen of die afspraak nog past.",
    "N1": "De leerkracht neemt het initiatief en houdt de regie. We nodigen ouders uit om mee "
    "te denken en we zijn duidelijk over wat wel en niet kan. Bij een relatie die vastloopt "
    "schuift de IB'er aan en bespreken we de situatie in intervisie.",
    "S1": "Iedere twee maanden beoordeelt elke leerkracht de relatie met elke ouder in het "
    "oudervolgsysteem. De Expertgroep bekijkt de totalen en bij elke relatie die dof is "
    "spreken we een volgende stap af, die we bij de volgende meting nagaan.",
    "S2": "Wanneer we het doel bij een meting niet halen, bespreekt het team de uitkomsten in "
    "de eerstvolgende teamvergadering en kiest elke groep een concrete actie voor de weken "
    "daarna. De Expertgroep volgt of die acties het verschil maken.",
    "R1": "Nieuwe collega's volgen de workshop in de eerste maand van het schooljaar, ook "
    "wanneer zij leidinggevende zijn. De directeur plant dit in bij de introductie en de "
    "Expertgroep loopt in oktober na wie de workshop heeft afgerond.",
    "R2": "Na elke TdT-bijeenkomst vertalen de deelnemers wat zij leerden naar een korte "
    "teamsessie. Wie een bijeenkomst mist, haalt die in bij een andere school van het "
    "bestuur, zodat het hele team dezelfde taal blijft spreken.",
    "O1": "De Expertgroep bestaat uit de directeur en twee leerkrachten uit verschillende "
    "bouwen. Zij komen zes keer per jaar samen en één lid neemt deel aan de bovenschoolse "
    "Expertgroep, die de voortgang van alle scholen volgt.",
    "O2": "In juni bespreekt de Expertgroep het handboek met het team. We schrijven op wat "
    "dit jaar werkte en wat we willen aanscherpen, en dat nemen we mee in het handboek van "
    "het volgende schooljaar.",
}


def _write(handbook, user, *, codes=None, publish=True):
    book = selectors.handbook_latest(handbook)
    book.intro = "<p>Zo borgen wij de Glans-techniek in onze organisatie.</p>"
    sections = list(book.sections.all())
    for section in sections:
        if codes is None or section.criterion.code in codes:
            section.body = f"<p>{TEXTS.get(section.criterion.code, '')}</p>"
    book.sections = sections
    book.save()
    revision = book.save_revision(user=user)
    if publish:
        revision.publish(user=user)
    return Handbook.objects.get(pk=handbook.pk)


def _handbook(unit, year, user, **kwargs):
    existing = selectors.handbook_for(unit=unit, school_year=year)
    if existing is not None:
        return existing
    return _write(services.handbook_start(unit=unit, school_year=year, user=user), user, **kwargs)


def seed_certification(*, units, users):
    year = SchoolYear.current()
    if year is None:
        return
    auditor = users["auditor"]
    # Regenboog: certified, listed in the public register.
    regenboog = units["regenboog"]
    membership_grant(
        user=users["directeur.regenboog"],
        unit=regenboog,
        role_codes=[RoleCode.SCHOOL_EXPERTGROEP],
        school_year=year,
    )
    _handbook(regenboog, year, users["directeur.regenboog"])
    if not Certificate.objects.filter(unit=regenboog).exists():
        application = Application.objects.filter(unit=regenboog).first()
        if application is None:
            application = services.application_submit(
                unit=regenboog, user=users["directeur.regenboog"], school_year=year
            )
        services.intake_record(application=application, user=auditor, complete=True)
        for criterion in application.criterion_set.criteria.all():
            services.criterion_review(
                application=application,
                user=auditor,
                criterion=criterion,
                verdict="met",
                remarks="Helder beschreven en herkenbaar in de school.",
            )
        from django.utils import timezone

        services.conversation_plan(
            application=application,
            user=auditor,
            at=timezone.now(),
            place="De Regenboog, teamkamer",
            participants="Expertgroep van De Regenboog, auditor van de academie",
            agenda="Successen van dit jaar, ontwikkelpunten, samenwerking met ouders, "
            "plannen voor volgend jaar",
        )
        services.conversation_report(
            application=application,
            user=auditor,
            successes="Het team kent elke ouder en de overdracht tussen groepen loopt goed.",
            development="De doorgaande lijn van de peuters naar groep 1 kan sterker.",
            cooperation="Met vrijwel alle gezinnen is de samenwerking geslaagd.",
            next_steps="Een gezamenlijke overdracht tussen peutergroep en kleutergroep.",
        )
        services.application_decide(
            application=application,
            user=auditor,
            certified=True,
            remarks="Gefeliciteerd: De Regenboog is een School met Glans.",
        )
        application.refresh_from_db()
        certificate = application.certificate
        certificate.in_register = True
        certificate.save(update_fields=["in_register"])
    # Zonnebloem: applied; intake and review done, the conversation to plan.
    zonnebloem = units["zonnebloem"]
    director = users["directeur.zonnebloem"]
    _handbook(zonnebloem, year, director)
    if not Application.objects.filter(unit=zonnebloem).exists():
        application = services.application_submit(unit=zonnebloem, user=director, school_year=year)
        services.intake_record(
            application=application,
            user=auditor,
            complete=True,
            remarks="Het dossier is compleet. Dank voor het zorgvuldige handboek.",
        )
        for criterion in application.criterion_set.criteria.all():
            services.criterion_review(
                application=application,
                user=auditor,
                criterion=criterion,
                verdict="development" if criterion.code == "L1" else "met",
                remarks="Mooi om in het gesprek verder op in te gaan."
                if criterion.code == "L1"
                else "Herkenbaar beschreven in het handboek.",
            )
        assert application.status == Status.CONVERSATION
    # Speelhuis: drafting the first handbook (two sections written, nothing published).
    speelhuis = units["speelhuis"]
    writer = users["pm.speelhuis"]
    membership_grant(
        user=writer, unit=speelhuis, role_codes=[RoleCode.SCHOOL_EXPERTGROEP], school_year=year
    )
    _handbook(speelhuis, year, writer, codes={"G1", "L1"}, publish=False)
