from django.urls import path

from . import staff_views, team_views, views

app_name = "glans_courses"

urlpatterns = [
    path("activiteit/<str:lesson_id>/<str:block_id>/", views.activity_submit, name="activity"),
    path("zoeken/", views.search, name="search"),
    path("mijn-leerroute/", views.my_route, name="my_route"),
    path("team/", views.team_dashboard, name="team"),
    path("team/<str:unit_id>/inschrijven/", views.team_enrol, name="team_enrol"),
    path("team/<str:unit_id>/wie-mist-er-nog/", staff_views.team_missing, name="team_missing"),
    path(
        "team/<str:unit_id>/wie-mist-er-nog/pdf/",
        staff_views.team_missing_pdf,
        name="team_missing_pdf",
    ),
    path("programma/<str:programme_id>/inschrijven/", views.enrol_self, name="enrol"),
    path("les/<str:lesson_id>/afgerond/", views.lesson_done, name="lesson_done"),
    path("bijeenkomsten/", views.session_list, name="sessions"),
    path(
        "bijeenkomsten/<str:session_id>/aanmelden/",
        views.session_registration,
        name="session_registration",
    ),
    path(
        "bijeenkomsten/<str:session_id>/aanwezigheid/", views.session_attendance, name="attendance"
    ),
    path("bijeenkomsten/<str:session_id>/", team_views.session_detail, name="session_detail"),
    path("bijeenkomsten/<str:session_id>/agenda.ics", team_views.session_ics, name="session_ics"),
    path("bijeenkomsten/<str:session_id>/uitnodigen/", team_views.team_invite, name="team_invite"),
    path(
        "bijeenkomsten/<str:session_id>/teamaanwezigheid/",
        team_views.team_attendance,
        name="team_attendance",
    ),
    path("team/bijeenkomst-plannen/", team_views.team_session_plan, name="team_session_plan"),
    path("les/<str:lesson_id>/presenteren/", team_views.guide_present, name="guide_present"),
    path("bijeenkomsten/<str:session_id>/live/", team_views.live_state, name="live_state"),
    path(
        "bijeenkomsten/<str:session_id>/live/bevestigen/",
        team_views.live_confirm,
        name="live_confirm",
    ),
    path("erbij/", team_views.live_join, name="live_join_start"),
    path("erbij/<str:code>/", team_views.live_join, name="live_join"),
    path("mijn-leerroute/logboek/", team_views.logbook, name="logbook"),
    path("mijn-leerroute/agenda/", team_views.calendar_feed_manage, name="calendar_feed_manage"),
    path("agenda/<str:token>.ics", team_views.calendar_feed, name="calendar_feed"),
]
