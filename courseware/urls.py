from django.urls import include, path

from courseware import assessment_views, exam_views, views

ITEM = "courses/<slug:course_slug>/assessments/<slug:assessment_slug>/items/<int:item_id>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/signup/", views.sign_up, name="signup"),
    path("courses/", views.course_list, name="courses"),
    path("courses/new/", views.new_course, name="new_course"),
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
        "courses/<slug:course_slug>/assessments/<slug:assessment_slug>/",
        assessment_views.assessment_page,
        name="assessment",
    ),
    path(
        "courses/<slug:course_slug>/assessments/<slug:assessment_slug>/start/",
        exam_views.start_exam,
        name="exam_start",
    ),
    path(
        "courses/<slug:course_slug>/assessments/<slug:assessment_slug>/finish/",
        exam_views.finish_exam,
        name="exam_finish",
    ),
    path(ITEM, assessment_views.item_page, name="item"),
    path(ITEM + "draft/", exam_views.save_draft, name="exam_draft"),
    path(ITEM + "submit/", assessment_views.item_submit, name="item_submit"),
    path(ITEM + "run-tests/", assessment_views.item_run_tests, name="item_run_tests"),
    path(
        ITEM + "another-variant/",
        assessment_views.item_another_variant,
        name="item_another_variant",
    ),
    path(
        "courses/<slug:course_slug>/exercises/<slug:exercise_slug>/explore/",
        views.taylor_explorer,
        name="taylor_explorer",
    ),
    path("submissions/<int:submission_id>/", views.submission_status, name="submission"),
    path("courses/<slug:course_slug>/staff/", include("courseware.staff.urls")),
]
