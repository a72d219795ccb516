"""#14: the admin shows no raw "True", people by full name, and a session form whose
modules carry their programme (no module appears twice without it)."""

from django.test import Client

from glans_learning.courses.forms import SessionForm
from glans_learning.courses.models import ModulePage
from tests.factories import SessionFactory


def test_index_shows_icons_and_full_names(admin_user, teacher, loaded_fixture, verified_login):
    from glans_learning.courses.models import ProgrammePage, SessionRegistration

    programme = ProgrammePage.objects.get(slug="proef")
    session = SessionFactory(programme=programme, is_official=True)
    SessionRegistration.objects.create(session=session, user=teacher)
    client = Client()
    verified_login(client, admin_user)
    sessions = client.get("/admin/glans_sessions/").content.decode()
    assert ">True<" not in sessions and "True</td>" not in sessions
    registrations = client.get("/admin/glans_registrations/").content.decode()
    assert teacher.get_full_name() in registrations
    assert f">{teacher.username}<" not in registrations


def test_session_form_names_modules_with_their_programme(admin_user, loaded_fixture):
    from django.forms import modelform_factory

    from glans_learning.courses.models import Session

    form_class = modelform_factory(
        Session, form=SessionForm, fields=["unit", "trainers", "modules"]
    )
    form = form_class(for_user=admin_user)
    labels = [label for _value, label in form.fields["modules"].choices]
    assert labels and all(" – " in label for label in labels)
    module = ModulePage.objects.first()
    programme = module.get_parent().title
    assert f"{programme} – {module.title}" in labels
