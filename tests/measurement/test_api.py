import json

from django.test import Client

from glans_learning.measurement.models import Rating
from tests.measurement.conftest import codes


def put(client, url, payload):
    return client.put(url, data=json.dumps(payload), content_type="application/json")


def csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/meten/")  # sets the CSRF cookie
    return client, client.cookies["csrftoken"].value


def test_teacher_rates_own_group_all_or_nothing(school, teacher):
    client, token = csrf_client(teacher)
    url = f"/api/v1/measurements/{school['moment'].pk}/ratings"
    own = codes(school["group"])
    payload = {
        "ratings": [
            {"relationship": own[0], "rating": "positive"},
            {"relationship": own[1], "rating": "negative", "next_step": "make", "note": "bellen"},
        ]
    }
    assert (
        client.put(url, data=json.dumps(payload), content_type="application/json").status_code
        == 403
    )  # no CSRF token
    response = client.put(
        url, data=json.dumps(payload), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"saved": 2}
    # A code of another group: nothing saved at all.
    bad = {
        "ratings": [
            {"relationship": own[2], "rating": "positive"},
            {"relationship": codes(school["other"])[0], "rating": "positive"},
        ]
    }
    response = client.put(
        url, data=json.dumps(bad), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 422
    assert ["ratings[1]"] in [error["loc"] for error in response.json()["errors"]]
    assert Rating.objects.count() == 2
    bad_value = {"ratings": [{"relationship": own[2], "rating": "glimmend"}]}
    assert (
        client.put(
            url, data=json.dumps(bad_value), content_type="application/json", HTTP_X_CSRFTOKEN=token
        ).status_code
        == 422
    )


def test_rating_only_while_open(school, teacher, client):
    moment = school["moment"]
    moment.closes_on = moment.opens_on
    moment.save()
    client.force_login(teacher)
    response = put(
        client,
        f"/api/v1/measurements/{moment.pk}/ratings",
        {"ratings": [{"relationship": codes(school["group"])[0], "rating": "positive"}]},
    )
    assert response.status_code == 422
    assert not Rating.objects.exists()


def test_relationships_endpoint_lists_own_groups_with_labels(
    school, teacher, client, other_teacher
):
    client.force_login(teacher)
    data = client.get(f"/api/v1/measurements/{school['moment'].pk}/relationships").json()
    assert len(data) == 6 and all(item["label"] for item in data)
    client.force_login(other_teacher)
    assert (
        client.get(f"/api/v1/measurements/{school['moment'].pk}/relationships").status_code == 404
    )


def test_measurements_for_school_and_board(
    school, teacher, director, board_expert, other_teacher, client
):
    client.force_login(teacher)
    put(
        client,
        f"/api/v1/measurements/{school['moment'].pk}/ratings",
        {
            "ratings": [
                {"relationship": c, "rating": "positive"} for c in codes(school["group"])[:3]
            ]
        },
    )
    client.force_login(director)
    data = client.get(f"/api/v1/organisations/{school['unit'].pk}/measurements").json()
    assert data["moments"][0]["rated"] == 3 and data["moments"][0]["positive"] == 3
    assert {g["name"] for g in data["groups"]} == {"Groep 5", "Groep 6"}
    client.force_login(board_expert)
    board = client.get(f"/api/v1/boards/{school['unit'].board_id}/measurements")
    assert board.status_code == 200
    text = board.content.decode()
    for code in codes(school["group"]):
        assert code not in text
    assert "Kind" not in text
    unit_view = client.get(f"/api/v1/organisations/{school['unit'].pk}/measurements").json()
    assert unit_view["groups"] == []
    client.force_login(other_teacher)
    assert client.get(f"/api/v1/organisations/{school['unit'].pk}/measurements").status_code == 404


def test_api_is_in_openapi(client, teacher):
    client.force_login(teacher)
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/measurements/{moment_id}/ratings" in schema["paths"]
    assert "422" in schema["paths"]["/api/v1/measurements/{moment_id}/ratings"]["put"]["responses"]


def test_undo_of_a_first_rating_takes_it_back_through_the_same_endpoint(school, teacher):
    """Issue #23 §3: the grid's undo restores the previous state; for a family that had no
    rating at this moment that is "no rating" (rating null), only for one's own group."""
    client, token = csrf_client(teacher)
    url = f"/api/v1/measurements/{school['moment'].pk}/ratings"
    own = codes(school["group"])
    rate = {"ratings": [{"relationship": own[0], "rating": "negative", "next_step": "make"}]}
    assert put_csrf(client, url, rate, token).status_code == 200
    assert Rating.objects.filter(relationship__family__code=own[0]).count() == 1
    undo = {"ratings": [{"relationship": own[0], "rating": None}]}
    response = put_csrf(client, url, undo, token)
    assert response.status_code == 200, response.content
    assert response.json() == {"saved": 1}
    assert not Rating.objects.filter(relationship__family__code=own[0]).exists()
    # Not for a family of another group, and all or nothing.
    other = codes(school["other"])[0]
    mixed = {
        "ratings": [
            {"relationship": own[1], "rating": "positive"},
            {"relationship": other, "rating": None},
        ]
    }
    assert put_csrf(client, url, mixed, token).status_code == 422
    assert Rating.objects.count() == 0


def put_csrf(client, url, payload, token):
    return client.put(
        url, data=json.dumps(payload), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
