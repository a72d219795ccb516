"""The first set of certification criteria, written for this platform. Data: the academy
edits them in the admin; a new round starts as a new set."""

FIRST_SET_NAME = "Ronde 1 (2026-2027)"
FIRST_SET_DESCRIPTION = (
    "Eerste ronde van de certificering School met Glans. Per onderdeel van Glans staat hier "
    "wat de auditor wil terugzien in het handboek en in de cijfers van de school."
)

# (code, category, evidence type, threshold, title, guidance)
CRITERIA = [
    (
        "G1",
        "G",
        "handbook",
        None,
        "Het team benadert elke ouder als ervaringsdeskundige van het eigen kind.",
        "Hoe merken ouders dat het team hen serieus neemt? Welke afspraken over gesprekken "
        "(luisteren, doorvragen, samen zoeken) gelden voor iedereen?",
    ),
    (
        "L1",
        "L",
        "handbook",
        None,
        "Er is een doorlopende lijn van contact door het jaar en door de schoolloopbaan.",
        "Wat gebeurt er in de eerste weken, halverwege en aan het eind van het jaar? Hoe "
        "draagt een collega de relatie over aan de volgende groep?",
    ),
    (
        "A1",
        "A",
        "handbook",
        None,
        "De school streeft ernaar dat elke ouder van elk kind succesvol betrokken is.",
        "Hoe maakt de leerkracht elk jaar met iedere ouder een afspraak over de manier van "
        "betrokken zijn? Hoe houdt de school dat doel van honderd procent levend?",
    ),
    (
        "N1",
        "N",
        "handbook",
        None,
        "Leerkrachten zijn regisseur van de relatie: ze nodigen uit en begrenzen.",
        "Hoe gaat het team om met ouders die ver weg staan of juist heel dichtbij komen? "
        "Waar vindt een collega steun als het lastig wordt?",
    ),
    (
        "S1",
        "S",
        "handbook",
        None,
        "Het team werkt met het oudervolgsysteem en bespreekt de uitkomsten in intervisie.",
        "Hoe vaak beoordelen collega's de relaties, wie kijkt naar de uitkomsten en wat "
        "gebeurt er met een relatie die dof is?",
    ),
    (
        "S2",
        "S",
        "measurement",
        None,
        "Het aandeel relaties dat glanst haalt het doel van het implementatiejaar.",
        "Welke stappen zet de school als het doel bij een meting niet gehaald wordt?",
    ),
    (
        "R1",
        "results",
        "workshop",
        90,
        "Nieuwe collega's ronden de jaarlijkse Glans-workshop af.",
        "Hoe zorgt de school dat nieuwe collega's, leidinggevenden inbegrepen, de workshop "
        "aan het begin van het jaar volgen?",
    ),
    (
        "R2",
        "results",
        "tdt",
        80,
        "De deelnemers aan Train-de-Trainer waren bij de bijeenkomsten.",
        "Hoe brengen de TdT-deelnemers wat ze leerden over op het eigen team?",
    ),
    (
        "O1",
        "organisation",
        "expertgroep",
        3,
        "De school heeft een Expertgroep Ouderbetrokkenheid van minstens drie collega's.",
        "Wie zitten in de Expertgroep, hoe vaak komt die samen en wie neemt deel aan de "
        "bovenschoolse Expertgroep?",
    ),
    (
        "O2",
        "organisation",
        "handbook",
        None,
        "Het handboek wordt elk jaar besproken en versterkt.",
        "Wat is er dit jaar aangescherpt, op grond van welke successen en welke lessen?",
    ),
]


def load_first_set(criterion_set_model, criterion_model, *, activate=True):
    """Create the first set if it is missing (idempotent); returns it."""
    criterion_set, created = criterion_set_model.objects.get_or_create(
        name=FIRST_SET_NAME,
        defaults={"description": FIRST_SET_DESCRIPTION, "is_active": activate},
    )
    for order, (code, category, evidence, threshold, title, guidance) in enumerate(CRITERIA):
        criterion_model.objects.get_or_create(
            criterion_set=criterion_set,
            code=code,
            defaults={
                "category": category,
                "evidence_type": evidence,
                "threshold": threshold,
                "title": title,
                "guidance": guidance,
                "sort_order": order,
            },
        )
    fill_rubric(criterion_model, criterion_set)
    return criterion_set


# The rubric "School met Glans" and the handbook template, per criterion code of the first
# set: (begint, groeit, glanst, template). Data like the criteria themselves: the loader and
# migration 0004 write them into the Criterion rows, the academy edits them in the admin, and
# the rubric page and the handbook editor read them from those rows (never from here).
RUBRIC = {
    "G1": (
        "Een paar collega's voeren open gesprekken; er zijn geen gedeelde afspraken.",
        "Het team heeft gespreksafspraken (luisteren, doorvragen, samen zoeken), nog niet "
        "bij iedereen in de praktijk.",
        "Elke collega voert het eerste gesprek als gesprek met een kenner van het kind; "
        "ouders herkennen dat en nieuwe collega's leren het in hun eerste jaar.",
        "<p><b>Onze afspraken over het gesprek:</b> …</p><p><b>Zo merken ouders dat:</b> …</p>"
        "<p><b>Zo leren nieuwe collega's het:</b> …</p>",
    ),
    "L1": (
        "Contact met ouders hangt af van de leerkracht en van incidenten.",
        "Er is een jaarplanning voor de eerste weken, het midden en het eind van het jaar; "
        "overdracht gebeurt nog niet overal warm.",
        "Elke ouder heeft contact volgens de jaarlijn, en elke relatie gaat met een warme "
        "overdracht naar de volgende groep, klas of school.",
        "<p><b>De eerste weken:</b> …</p><p><b>Halverwege het jaar:</b> …</p>"
        "<p><b>Het einde van het jaar en de overdracht:</b> …</p>",
    ),
    "A1": (
        "De school spreekt over 'de meeste ouders'; jaarafspraken zijn er niet.",
        "Met een deel van de ouders is een jaarafspraak gemaakt; de ambitie van honderd "
        "procent is bekend.",
        "Met elke ouder is een jaarafspraak gemaakt die past bij het gezin, en het team "
        "bespreekt wie nog ontbreekt.",
        "<p><b>Zo maken wij de jaarafspraak:</b> …</p><p><b>Zo houden wij honderd procent "
        "levend:</b> …</p><p><b>Tussendoelen die wij kozen:</b> …</p>",
    ),
    "N1": (
        "Ouders die ver weg staan of dichtbij komen, worden vooral ontweken of doorverwezen.",
        "Collega's kennen uitnodigen en begrenzen en bespreken lastige relaties soms samen.",
        "Elke collega neemt de regie in de relatie, ook bij moeilijk contact, en weet waar "
        "steun te vinden is.",
        "<p><b>Zo nodigen wij uit:</b> …</p><p><b>Zo begrenzen wij:</b> …</p>"
        "<p><b>Hier vindt een collega steun:</b> …</p>",
    ),
    "S1": (
        "Relaties worden niet of alleen incidenteel gewaardeerd.",
        "Het team waardeert de relaties op vaste momenten; de uitkomsten worden nog niet "
        "altijd besproken.",
        "Na elke meting bespreekt het team de totalen in intervisie en krijgt elke doffe "
        "relatie één concrete stap.",
        "<p><b>Wanneer wij meten:</b> …</p><p><b>Wie de uitkomsten bespreekt:</b> …</p>"
        "<p><b>Wat wij doen met een doffe relatie:</b> …</p>",
    ),
    "S2": (
        "De school weet niet hoeveel relaties glanzen.",
        "Het aandeel dat glanst is bekend, maar blijft onder het doel van het jaar.",
        "Het aandeel dat glanst haalt het doel van het implementatiejaar, en de school weet "
        "wat ze doet als een meting tegenvalt.",
        "<p><b>Ons doel dit jaar:</b> …</p><p><b>Als een meting tegenvalt, dan:</b> …</p>",
    ),
    "R1": (
        "Nieuwe collega's beginnen zonder de workshop.",
        "De meeste nieuwe collega's volgen de workshop, soms pas later in het jaar.",
        "Elke nieuwe collega, leidinggevenden inbegrepen, rondt de workshop aan het begin van "
        "het jaar af.",
        "<p><b>Zo plannen wij de workshop voor nieuwe collega's:</b> …</p>"
        "<p><b>Wie dat bewaakt:</b> …</p>",
    ),
    "R2": (
        "TdT-deelnemers waren bij een deel van de bijeenkomsten.",
        "TdT-deelnemers waren bij de bijeenkomsten; het team hoorde er weinig van.",
        "TdT-deelnemers waren bij de bijeenkomsten en hebben elke module met hun eigen team "
        "gedraaid.",
        "<p><b>Deze teamsessies hebben wij gehouden:</b> …</p>"
        "<p><b>Wat het team ervan meenam:</b> …</p>",
    ),
    "O1": (
        "Er is geen Expertgroep, of alleen op papier.",
        "De Expertgroep komt samen, maar nog niet op vaste momenten.",
        "De Expertgroep van minstens drie collega's komt op vaste momenten samen en neemt "
        "deel aan de bovenschoolse Expertgroep.",
        "<p><b>Leden van de Expertgroep (rollen, geen namen van ouders):</b> …</p>"
        "<p><b>Onze vaste momenten:</b> …</p><p><b>Zo zijn wij bovenschools verbonden:</b> …</p>",
    ),
    "O2": (
        "Het handboek is één keer geschreven en ligt in de kast.",
        "Het handboek wordt besproken, maar zelden aangepast.",
        "Het team bespreekt het handboek elk jaar en scherpt het aan op grond van successen "
        "en lessen.",
        "<p><b>Wat wij dit jaar aanscherpten:</b> …</p><p><b>Op grond van:</b> …</p>",
    ),
}


def fill_rubric(criterion_model, criterion_set=None):
    """Write the rubric levels and handbook template into criteria that have none yet
    (idempotent; an academy's edits in the admin are kept). A historical model from before
    migration 0004 has no such fields: nothing to do."""
    if "handbook_template" not in {f.name for f in criterion_model._meta.get_fields()}:
        return
    rows = criterion_model.objects.all()
    if criterion_set is not None:
        rows = rows.filter(criterion_set=criterion_set)
    for criterion in rows:
        levels = RUBRIC.get(criterion.code)
        if levels is None:
            continue
        changed = []
        for field, value in zip(
            ("rubric_start", "rubric_growing", "rubric_shining", "handbook_template"),
            levels,
            strict=True,
        ):
            if not getattr(criterion, field):
                setattr(criterion, field, value)
                changed.append(field)
        if changed:
            criterion.save(update_fields=changed)
