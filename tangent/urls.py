from django.contrib import admin
from django.urls import include, path

from lms import lti_views
from lms.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", api.urls),
    path("lti/", include("lms.lti_urls")),
    path(".well-known/jwks.json", lti_views.jwks, name="jwks"),
    path("", include("courseware.urls")),
]
