"""Interactive exercises (XBlocks) in lessons: rendering, handlers, state, events, safety."""

import json
import uuid

import pytest
from django.test import Client, RequestFactory, override_settings

from glans_learning.content.xblocks import DEFAULT_XBLOCK_TYPES, ids
from glans_learning.content.xblocks.models import LearningRecord, XBlockState
from glans_learning.courses.models import ActivityResponse, LessonProgress

pytest.importorskip("xblock")

POLL = (
    '<poll question="Hoe vaak spreek je elke ouder?" '
    'answers=\'[["vaak", {"label": "Elke week", "img": null, "img_alt": null}], ["soms", {"label": "Elke maand", "img": null, "img_alt": null}]]\' />'
)
SURVEY = (
    '<survey questions=\'[["q1", {"label": "Ik ken elke ouder", "img": null, "img_alt": null}]]\' '
    'answers=\'[["ja", "Ja"], ["nee", "Nee"]]\' />'
)
FREE_TEXT = '<freetextresponse prompt="Beschrijf je eerste gesprek." min_word_count="2" />'
DND = "<drag-and-drop-v2 />"
CONVERSATION = """<glans-conversation display_name="Een ouder die te dichtbij komt">
  <intro>De moeder van een leerling staat elke ochtend in de klas.</intro>
  <step id="start" speaker="Moeder">
    <says>Ik blijf vandaag even kijken, dat vindt u vast niet erg.</says>
    <choice points="2" letter="N" next="twee"><text>Fijn dat u betrokken bent. Zullen we om
      half vier samen kijken hoe het gaat?</text><feedback>Je nodigt uit en begrenst tegelijk.</feedback></choice>
    <choice points="0" letter="G"><text>Dat kan echt niet.</text><feedback>Je begrenst zonder
      uit te nodigen; de ouder voelt zich afgewezen.</feedback></choice>
  </step>
  <step id="twee" speaker="Moeder">
    <says>Goed, dan kom ik om half vier.</says>
    <choice points="2" letter="L"><text>Ik kijk ernaar uit.</text><feedback>Zo houd je contact.</feedback></choice>
    <choice points="1" letter="G"><text>Prima.</text><feedback>Kort, maar correct.</feedback></choice>
  </step>
</glans-conversation>"""
APPRECIATION = """<glans-appreciation min_messages="3">
  <case>De vader van een leerling reageert nooit op berichten.</case>
  <reflection>Wat merk je bij jezelf?</reflection>
</glans-appreciation>"""


def add_exercise(lesson, xblock_type, olx, *, required=True):
    block_id = str(uuid.uuid4())
    raw = list(lesson.body.raw_data)
    raw.append(
        {
            "type": "exercise",
            "id": block_id,
            "value": {
                "xblock_type": xblock_type,
                "title": f"Oefening {xblock_type}",
                "olx": olx,
                "required": required,
            },
        }
    )
    lesson.body = raw
    lesson.save()
    return ids.usage_id_for(page_id=lesson.pk, block_id=block_id)


def strict_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def call(client, usage_id, handler, payload=None, *, lesson=None, raw=None):
    if "csrftoken" not in client.cookies:
        client.get(lesson.url if lesson else "/")
    token = client.cookies["csrftoken"].value
    body = raw if raw is not None else json.dumps(payload or {})
    return client.post(
        f"/xblock/{usage_id}/handler/{handler}/",
        body,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )


def state(user, usage_id, scope=XBlockState.Scope.USER_STATE):
    row = XBlockState.objects.filter(scope=scope, key=usage_id, user=user).first()
    return row.state if row else {}


# --- rendering --------------------------------------------------------------------------


ALLOWED_BLOCKS = [
    ("poll", POLL),
    ("survey", SURVEY),
    ("freetextresponse", FREE_TEXT),
    ("drag-and-drop-v2", DND),
    ("glans-conversation", CONVERSATION),
    ("glans-appreciation", APPRECIATION),
]


@pytest.mark.parametrize("xblock_type,olx", ALLOWED_BLOCKS)
def test_each_allowed_block_renders_in_the_lesson(client, learner, lesson, xblock_type, olx):
    usage_id = add_exercise(lesson, xblock_type, olx)
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    assert f'data-block-type="{xblock_type}"' in html
    assert f'data-handler-prefix="/xblock/{usage_id}/handler/"' in html
    assert html.count("glans_content/xblocks/runtime.js") == 1
    assert "niet beschikbaar" not in html
    assert not XBlockState.objects.exists()  # rendering writes nothing


def test_a_type_outside_the_allow_list_does_not_render_or_run(client, learner, lesson):
    usage_id = add_exercise(lesson, "google-document", "<google-document />")
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    assert "Deze oefening is op deze site niet beschikbaar." in html
    assert 'data-block-type="google-document"' not in html
    response = call(strict_client(learner), usage_id, "student_view_user_state", lesson=lesson)
    assert response.status_code == 404
    assert "error" in response.json()


def test_a_fourth_community_block_runs_once_the_setting_allows_it(client, learner, lesson):
    usage_id = add_exercise(
        lesson, "google-document", '<google-document display_name="Werkblad" />'
    )
    with override_settings(GLANS_XBLOCK_TYPES=[*DEFAULT_XBLOCK_TYPES, "google-document"]):
        client.force_login(learner)
        html = client.get(lesson.url).content.decode()
        assert 'data-block-type="google-document"' in html
        response = call(
            strict_client(learner), usage_id, "publish_event", {"event_type": "x"}, lesson=lesson
        )
        assert response.status_code == 200


# --- handler round trips and persisted state --------------------------------------------


def test_poll_vote_round_trip(learner, lesson, teacher):
    usage_id = add_exercise(lesson, "poll", POLL)
    client = strict_client(learner)
    response = call(client, usage_id, "vote", {"choice": "vaak"}, lesson=lesson)
    assert response.status_code == 200, response.content
    assert response.json()["success"] is True
    assert state(learner, usage_id)["choice"] == "vaak"
    summary = state(None, usage_id, XBlockState.Scope.USER_STATE_SUMMARY)
    assert summary["tally"]["vaak"] == 1
    results = call(client, usage_id, "get_results").json()
    assert {a["key"]: a["count"] for a in results["tally"]} == {"vaak": 1, "soms": 0}
    # Completion reached the learner's lesson result.
    assert ActivityResponse.objects.get(user=learner, lesson=lesson, kind="exercise").score is None


def test_survey_vote_round_trip(learner, lesson):
    usage_id = add_exercise(lesson, "survey", SURVEY)
    response = call(strict_client(learner), usage_id, "vote", {"q1": "ja"}, lesson=lesson)
    assert response.json()["success"] is True
    assert state(learner, usage_id)["choices"] == {"q1": "ja"}


def test_free_text_response_round_trip_grades(learner, lesson):
    usage_id = add_exercise(lesson, "freetextresponse", FREE_TEXT)
    response = call(
        strict_client(learner),
        usage_id,
        "submit",
        {"student_answer": "Ik belde elke ouder op."},
        lesson=lesson,
    )
    assert response.status_code == 200, response.content
    assert state(learner, usage_id)["student_answer"] == "Ik belde elke ouder op."
    result = ActivityResponse.objects.get(user=learner, lesson=lesson)
    assert float(result.score) == 100
    assert LearningRecord.objects.filter(user=learner, event_type="grade").exists()


def test_drag_and_drop_round_trip(learner, lesson):
    from drag_and_drop_v2.default_data import DEFAULT_DATA

    usage_id = add_exercise(lesson, "drag-and-drop-v2", DND)
    item = next(i for i in DEFAULT_DATA["items"] if i.get("zones"))
    response = call(
        strict_client(learner),
        usage_id,
        "drop_item",
        {"val": item["id"], "zone": item["zones"][0]},
        lesson=lesson,
    )
    assert response.status_code == 200, response.content
    assert str(item["id"]) in state(learner, usage_id)["item_state"]


def test_conversation_grades_through_its_own_logic(learner, lesson):
    usage_id = add_exercise(lesson, "glans-conversation", CONVERSATION)
    client = strict_client(learner)
    first = call(client, usage_id, "choose", {"step": "start", "choice": 0}, lesson=lesson).json()
    assert first["letter"] == "N" and first["step"]["id"] == "twee"
    last = call(client, usage_id, "choose", {"step": "twee", "choice": 1}).json()
    assert last["finished"] and last["score"] == 75
    assert float(ActivityResponse.objects.get(user=learner, lesson=lesson).score) == 75
    # Practising again with a worse path keeps the first score.
    call(client, usage_id, "restart")
    call(client, usage_id, "choose", {"step": "start", "choice": 1})
    assert float(ActivityResponse.objects.get(user=learner, lesson=lesson).score) == 75
    # Out-of-turn choices are refused as JSON and change nothing.
    response = call(client, usage_id, "choose", {"step": "twee", "choice": 0})
    assert response.status_code == 409 and "error" in response.json()


def test_conversation_counts_the_first_attempt_and_tells_no_points(learner, lesson):
    """Issue #23 §6: restarting until 100 no longer raises the grade, and the browser gets
    the feedback of the chosen option only, never points."""
    usage_id = add_exercise(lesson, "glans-conversation", CONVERSATION)
    client = strict_client(learner)
    first = call(client, usage_id, "choose", {"step": "start", "choice": 0}, lesson=lesson)
    assert "points" not in first.json() and '"points"' not in first.content.decode()
    last = call(client, usage_id, "choose", {"step": "twee", "choice": 1}).json()
    assert last["score"] == 75 and not last["practice"]
    best = 0
    for start in (0, 1):
        for second in (0, 1):
            call(client, usage_id, "restart")
            answer = call(client, usage_id, "choose", {"step": "start", "choice": start}).json()
            if not answer["finished"]:
                answer = call(client, usage_id, "choose", {"step": "twee", "choice": second}).json()
            assert "points" not in answer
            best = max(best, answer["score"])
            assert answer["practice"] and answer["graded_score"] == 75
    assert best == 100  # practice reached 100 ...
    # ... but the grade stays the first attempt's.
    assert float(ActivityResponse.objects.get(user=learner, lesson=lesson).score) == 75


def test_appreciation_completes_the_exercise_and_the_lesson(learner, lesson):
    usage_id = add_exercise(lesson, "glans-appreciation", APPRECIATION)
    client = strict_client(learner)
    too_few = call(
        client, usage_id, "submit", {"messages": ["Fijn!"], "reflection": "x"}, lesson=lesson
    )
    assert too_few.status_code == 400 and not ActivityResponse.objects.exists()
    assert state(learner, usage_id) == {}
    ok = call(
        client,
        usage_id,
        "submit",
        {"messages": ["Dank je", "Goed gedaan", "Wat fijn"], "reflection": "Het voelt goed."},
    )
    assert ok.status_code == 200
    assert state(learner, usage_id)["submitted"] is True
    assert ActivityResponse.objects.filter(user=learner, kind="exercise").count() == 1
    assert LessonProgress.objects.filter(user=learner, lesson=lesson).exists()


# --- safety -----------------------------------------------------------------------------


def test_a_browser_cannot_publish_a_grade(learner, lesson):
    usage_id = add_exercise(lesson, "drag-and-drop-v2", DND)
    response = call(
        strict_client(learner),
        usage_id,
        "publish_event",
        {"event_type": "grade", "value": 1, "max_value": 1},
        lesson=lesson,
    )
    assert response.status_code == 200
    record = LearningRecord.objects.get(user=learner, event_type="grade")
    assert record.trusted is False
    assert not ActivityResponse.objects.exists()


def test_authoring_handlers_never_run(learner, lesson):
    usage_id = add_exercise(lesson, "poll", POLL)
    response = call(
        strict_client(learner), usage_id, "studio_submit", {"question": "Gehackt"}, lesson=lesson
    )
    assert response.status_code == 403 and "error" in response.json()


def test_no_user_reads_or_writes_another_users_state(learner, lesson, other_teacher):
    usage_id = add_exercise(lesson, "glans-appreciation", APPRECIATION)
    payload = {"messages": ["Eén", "Twee", "Drie"], "reflection": "Geheim van mij"}
    call(strict_client(learner), usage_id, "submit", payload, lesson=lesson)
    other = Client()
    other.force_login(other_teacher)
    html = other.get(lesson.url).content.decode()
    assert "Geheim van mij" not in html
    assert state(other_teacher, usage_id) == {}
    assert state(learner, usage_id)["reflection"] == "Geheim van mij"


def test_author_and_learner_text_is_escaped(client, learner, lesson):
    olx = CONVERSATION.replace(
        "Ik blijf vandaag even kijken", "&lt;script&gt;alert(1)&lt;/script&gt; Ik blijf"
    )
    usage_id = add_exercise(lesson, "glans-conversation", olx)
    appreciation = add_exercise(lesson, "glans-appreciation", APPRECIATION)
    payload = {"messages": ["<img src=x onerror=alert(2)>", "b", "c"], "reflection": "</textarea>"}
    call(strict_client(learner), appreciation, "submit", payload, lesson=lesson)
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert usage_id in html


@pytest.mark.parametrize(
    "usage,handler,raw,status",
    [
        (None, "submit", "{niet json", 400),
        (None, "bestaat_niet", "{}", 404),
        ("p999999-0000", "submit", "{}", 404),
        ("kapot", "submit", "{}", 404),
    ],
)
def test_handler_errors_are_json(learner, lesson, usage, handler, raw, status):
    usage_id = add_exercise(lesson, "glans-appreciation", APPRECIATION)
    response = call(strict_client(learner), usage or usage_id, handler, raw=raw, lesson=lesson)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")


def test_handlers_need_login_and_csrf(learner, lesson):
    usage_id = add_exercise(lesson, "glans-appreciation", APPRECIATION)
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(f"/xblock/{usage_id}/handler/submit/").status_code in (401, 403)
    no_token = strict_client(learner)
    response = no_token.post(
        f"/xblock/{usage_id}/handler/submit/", "{}", content_type="application/json"
    )
    assert response.status_code == 403
    assert not XBlockState.objects.exists()


def test_unpublished_pages_serve_no_exercises(learner, lesson):
    usage_id = add_exercise(lesson, "glans-appreciation", APPRECIATION)
    client = strict_client(learner)
    payload = {"messages": ["Eén", "Twee", "Drie"], "reflection": "Klaar"}
    client.get(lesson.url)  # the CSRF cookie, while the lesson is live
    lesson.unpublish()
    response = call(client, usage_id, "submit", payload)
    assert response.status_code == 404 and "error" in response.json()
    assert not XBlockState.objects.exists()


# --- preview and validation -------------------------------------------------------------


def test_preview_renders_but_never_writes_state(learner, lesson):
    from glans_learning.content.xblocks.render import exercise_render

    request = RequestFactory().get("/")
    request.user = learner
    request.is_preview = True
    value = {"xblock_type": "poll", "olx": POLL}
    html = exercise_render(request=request, page=lesson, block_id=str(uuid.uuid4()), value=value)
    assert 'data-handler-prefix="/xblock/preview/handler/"' in html
    assert "wordt niet opgeslagen" in html
    response = strict_client(learner).post(
        "/xblock/preview/handler/vote/", "{}", content_type="application/json"
    )
    assert response.status_code in (403, 409)
    client = Client()
    client.force_login(learner)
    assert (
        client.post(
            "/xblock/preview/handler/vote/", "{}", content_type="application/json"
        ).status_code
        == 409
    )
    assert not XBlockState.objects.exists() and not LearningRecord.objects.exists()


@pytest.mark.parametrize(
    "xblock_type,olx,message",
    [
        ("poll", "<poll", "geen geldige XML"),
        ("poll", "<survey />", "moet beginnen met het element"),
        ("poll", '<!DOCTYPE x [<!ENTITY a "b">]><poll />', "DOCTYPE"),
        ("glans-conversation", "<glans-conversation />", "1 tot 30 stappen"),
        ("google-document", "<google-document />", "geen beschikbare keuze"),
    ],
)
def test_invalid_definitions_are_refused_on_save_in_dutch(xblock_type, olx, message):
    from wagtail.blocks.struct_block import StructBlockValidationError

    from glans_learning.content.xblocks.block import ExerciseBlock

    block = ExerciseBlock()
    value = block.to_python(
        {"xblock_type": xblock_type, "title": "T", "olx": olx, "required": True}
    )
    with pytest.raises(StructBlockValidationError) as info:
        block.clean(value)
    errors = info.value.block_errors
    text = " ".join(str(m) for e in errors.values() for m in getattr(e, "messages", [e]))
    assert message in text


def test_static_resources_are_found_by_staticfiles():
    from django.contrib.staticfiles import finders

    assert finders.find("xblock/poll/public/js/poll.js")
    assert finders.find("xblock/glans-conversation/public/conversation.js")
    assert not finders.find("xblock/poll/public/../poll.py")
    assert not finders.find("xblock/google-document/public/js/google_docs.js")


def test_a_nul_byte_in_an_exercise_answer_is_stored_as_a_replacement_character(learner, lesson):
    """Issue #23 §6: one cleaning for every interface, the exercise handlers too (PostgreSQL
    stores no NUL byte, in text or in JSON)."""
    usage_id = add_exercise(lesson, "glans-appreciation", APPRECIATION)
    raw = (
        '{"messages": ["Een\\u0000", "Twee", "Drie"],'
        ' "reflection": "Het voelt \\u0000goed \\ud800 zo."}'
    )
    response = call(strict_client(learner), usage_id, "submit", raw=raw, lesson=lesson)
    assert response.status_code == 200, response.content
    stored = state(learner, usage_id)
    assert "\x00" not in json.dumps(stored, ensure_ascii=False)
    assert "\ufffd" in stored["reflection"]
