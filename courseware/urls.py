from django.urls import include, path

from courseware import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/signup/", views.sign_up, name="signup"),
    path("courses/", views.course_list, name="courses"),
    path("courses/<slug:course_slug>/", views.course_page, name="course"),
    path("courses/<slug:course_slug>/enrol/", views.enrol, name="enrol"),
    path("courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/", views.quiz_page, name="quiz"),
    path(
        "courses/<slug:course_slug>/exercises/<slug:exercise_slug>/",
        views.exercise_page,
        name="exercise",
    ),
    path(
        "courses/<slug:course_slug>/exercises/<slug:exercise_slug>/submit/",
        views.submit_answer,
        name="submit",
    ),
    path(
        "courses/<slug:course_slug>/exercises/<slug:exercise_slug>/run-tests/",
        views.run_tests,
        name="run_tests",
    ),
    path(
        "courses/<slug:course_slug>/exercises/<slug:exercise_slug>/notebook/",
        views.exercise_notebook,
        name="exercise_notebook",
    ),
    path(
        "courses/<slug:course_slug>/exercises/<slug:exercise_slug>/upload-notebook/",
        views.upload_notebook,
        name="upload_notebook",
    ),
    path(
        "courses/<slug:course_slug>/exercises/<slug:exercise_slug>/another-variant/",
        views.another_variant,
        name="another_variant",
    ),
    path(
        "courses/<slug:course_slug>/exercises/<slug:exercise_slug>/explore/",
        views.taylor_explorer,
        name="taylor_explorer",
    ),
    path("submissions/<int:submission_id>/", views.submission_status, name="submission"),
    path("courses/<slug:course_slug>/staff/", include("courseware.staff.urls")),
]
