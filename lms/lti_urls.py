"""LTI URLs (the JWKS lives at /.well-known/jwks.json, in tangent/urls.py)."""

from django.urls import path

from lms import lti_views, staff_views

app_name = "lti"
urlpatterns = [
    path("login/<uuid:registration_uuid>", lti_views.login_initiation, name="login"),
    path("launch", lti_views.launch, name="launch"),
    path("open/<str:launch_id>", lti_views.open_launch, name="open"),
    path("deep-link/select", lti_views.deep_link_select, name="deep_link_select"),
    path("courses/<slug:course_slug>/", staff_views.lms_page, name="staff"),
    path("courses/<slug:course_slug>/roster", staff_views.sync_roster, name="roster"),
]
