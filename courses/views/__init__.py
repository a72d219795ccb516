"""The courses app's views, one module per audience (like `services/` and `selectors/`, split
by concept): `learner` (activities, sessions, search, own route, team dashboard and
enrolment), `team` (team-session mode, a session's page, calendar feed, logbook), `staff`
("wie mist er nog?"), `assessments` (the practical assessment) and `pages` (the course pages'
view code, reached through the `glans_course_page_views` hook). `courses/urls.py` names the
module of every route."""
