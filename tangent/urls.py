from django.contrib import admin
from django.urls import include, path, re_path

from api.main import api
from api.problems import api_not_found
from courseware.views import (
    LogInView,
    PasswordResetConfirmView,
    PasswordResetView,
    metrics_page,
)
from lms import lti_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", LogInView.as_view(), name="login"),
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("metrics", metrics_page, name="metrics"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("profile/", include("lms.profile_urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<path>.*)$", api_not_found, name="api_not_found"),
    path("lti/", include("lms.lti_urls")),
    path(".well-known/jwks.json", lti_views.jwks, name="jwks"),
    path("", include("courseware.urls")),
]
