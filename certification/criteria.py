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
    return criterion_set
