"""Staff pages, under /courses/<course>/staff/."""

from django.urls import path

from courseware.staff import assessment_views as assessments
from courseware.staff import exam_views as exams
from courseware.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.gradebook_page, name="gradebook"),
    path("gradebook.csv", views.gradebook_csv, name="gradebook_csv"),
    path("gradebook-chart/", views.gradebook_chart, name="gradebook_chart"),
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
    path("assessments/", assessments.assessment_list, name="assessments"),
    path("assessments/<slug:assessment_slug>/", assessments.assessment_edit, name="assessment"),
    path("assessments/<slug:assessment_slug>/items/", assessments.add_items, name="add_items"),
    path(
        "assessments/<slug:assessment_slug>/items/<int:item_id>/",
        assessments.change_item,
        name="change_item",
    ),
    path(
        "assessments/<slug:assessment_slug>/exceptions/",
        assessments.exception_list,
        name="exceptions",
    ),
    path(
        "assessments/<slug:assessment_slug>/exceptions/<int:exception_id>/remove/",
        assessments.exception_remove,
        name="exception_remove",
    ),
    path(
        "assessments/<slug:assessment_slug>/grades/",
        assessments.grades_page,
        name="assessment_grades",
    ),
    path("assessments/<slug:assessment_slug>/live/", exams.live_page, name="exam_live"),
    path(
        "assessments/<slug:assessment_slug>/sittings/<int:sitting_id>/end/",
        exams.end_sitting,
        name="exam_end",
    ),
    path(
        "assessments/<slug:assessment_slug>/sittings/<int:sitting_id>/extend/",
        exams.extend_sitting,
        name="exam_extend",
    ),
    path("grades/", assessments.grades_page, name="grades"),
    path("grades.csv", assessments.grades_csv, name="grades_csv"),
    path("audit/", assessments.audit_log, name="audit"),
    path("review/", views.review_queue, name="review"),
    path("submissions/<int:submission_id>/", views.submission_page, name="submission"),
    path("submissions/<int:submission_id>/grade/", views.grade_submission, name="grade"),
]
