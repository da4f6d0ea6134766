from django.urls import path

from lms import profile_views

urlpatterns = [
    path("", profile_views.profile, name="profile"),
    path("tokens/", profile_views.create_token, name="create_token"),
    path("tokens/<int:token_id>/revoke/", profile_views.revoke, name="revoke_token"),
]
