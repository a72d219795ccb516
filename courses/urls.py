from django.urls import path

from .views import assessments, learner, staff, team

app_name = "glans_courses"

urlpatterns = [
    path("activiteit/<str:lesson_id>/<str:block_id>/", learner.activity_submit, name="activity"),
    path("zoeken/", learner.search, name="search"),
    path("mijn-leerroute/", learner.my_route, name="my_route"),
    path("team/", learner.team_dashboard, name="team"),
    path("team/<str:unit_id>/inschrijven/", learner.team_enrol, name="team_enrol"),
    path("team/<str:unit_id>/wie-mist-er-nog/", staff.team_missing, name="team_missing"),
    path(
        "team/<str:unit_id>/wie-mist-er-nog/pdf/",
        staff.team_missing_pdf,
        name="team_missing_pdf",
    ),
    path("programma/<str:programme_id>/inschrijven/", learner.enrol_self, name="enrol"),
    path("les/<str:lesson_id>/afgerond/", learner.lesson_done, name="lesson_done"),
    path("bijeenkomsten/", learner.session_list, name="sessions"),
    path(
        "bijeenkomsten/<str:session_id>/aanmelden/",
        learner.session_registration,
        name="session_registration",
    ),
    path(
        "bijeenkomsten/<str:session_id>/aanwezigheid/",
        learner.session_attendance,
        name="attendance",
    ),
    path("bijeenkomsten/<str:session_id>/", team.session_detail, name="session_detail"),
    path("bijeenkomsten/<str:session_id>/agenda.ics", team.session_ics, name="session_ics"),
    path("bijeenkomsten/<str:session_id>/uitnodigen/", team.team_invite, name="team_invite"),
    path(
        "bijeenkomsten/<str:session_id>/teamaanwezigheid/",
        team.team_attendance,
        name="team_attendance",
    ),
    path("team/bijeenkomst-plannen/", team.team_session_plan, name="team_session_plan"),
    path(
        "programma/<str:programme_id>/praktijktoets/",
        assessments.assessment_record,
        name="assessment_record",
    ),
    path("praktijktoetsen/", assessments.assessment_worklist, name="assessment_worklist"),
    path(
        "praktijktoetsen/<str:assessment_id>/beoordelen/",
        assessments.assessment_decide,
        name="assessment_decide",
    ),
    path("les/<str:lesson_id>/presenteren/", team.guide_present, name="guide_present"),
    path("mijn-leerroute/logboek/", team.logbook, name="logbook"),
    path("mijn-leerroute/agenda/", team.calendar_feed_manage, name="calendar_feed_manage"),
    path("agenda/<str:token>.ics", team.calendar_feed, name="calendar_feed"),
    path("bijeenkomsten/<str:session_id>/live/", team.live_state, name="live_state"),
    path(
        "bijeenkomsten/<str:session_id>/live/bevestigen/",
        team.live_confirm,
        name="live_confirm",
    ),
    path("erbij/", team.live_join, name="live_join_start"),
    path("erbij/<str:code>/", team.live_join, name="live_join"),
]
