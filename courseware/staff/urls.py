"""Staff pages, under /courses/<course>/staff/."""

from django.urls import path

from courseware.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.gradebook_page, name="gradebook"),
    path("gradebook.csv", views.gradebook_csv, name="gradebook_csv"),
    path("quizzes/<slug:quiz_slug>/", views.gradebook_page, name="quiz"),
    path("learners/<int:learner_id>/", views.learner_page, name="learner"),
    path("exercises/", views.exercise_list, name="exercises"),
    path("exercises/<slug:exercise_slug>/", views.exercise_analytics, name="analytics"),
    path("exercises/<slug:exercise_slug>/variants/", views.variant_fairness, name="fairness"),
    path("exercises/<slug:exercise_slug>/preview/", views.exercise_preview, name="preview"),
    path("exercises/<slug:exercise_slug>/regrade/", views.regrade_page, name="regrade"),
    path(
        "exercises/<slug:exercise_slug>/regrade/results/",
        views.regrade_results,
        name="regrade_results",
    ),
    path("review/", views.review_queue, name="review"),
    path("submissions/<int:submission_id>/", views.submission_page, name="submission"),
    path("submissions/<int:submission_id>/grade/", views.grade_submission, name="grade"),
]
