"""Staff pages of a course. Access: the course's staff only (`staff_only`); anyone else gets a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import InvalidPage
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from courseware.access import SignedInRequest
from courseware.models import Course, Exercise, Grading, Quiz, Submission
from courseware.scoring import course_scores
from courseware.staff import charts, gradebook, regrading, review
from courseware.staff.access import staff_only
from courseware.staff.analytics import compute_stats, counted_submissions
from courseware.staff.fairness import ALPHA, MIN_GROUP, TEST_NAME, assess_fairness
from courseware.staff.forms import (
    PreviewForm,
    RegradeFilterForm,
    RegradeForm,
    RegradeResultsForm,
    StaffGradeForm,
    error_text,
)
from courseware.staff.preview import variant_preview
from courseware.staff.regrading import RegradeFilter
from courseware.staff.scope import SCOPE_HELP, learners_of, submissions_in
from courseware.staff.wrong_answers import LIMITS_TEXT, group_wrong_answers
from grader.results import Verdict


def _percent_filter(text: str) -> float | None:
    """A "score below" filter in percent, as a 0–1 fraction; None when absent or unreadable."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return min(max(value, 0.0), 100.0) / 100.0


def _query(request: SignedInRequest) -> gradebook.Query:
    """The gradebook's filter (q, below) and sort (sort, desc) from the request."""
    return gradebook.Query(
        request.GET.get("q", ""),
        _percent_filter(request.GET.get("below", "")),
        request.GET.get("sort", "learner"),
        request.GET.get("desc") == "1",
    )


@staff_only
def exercise_preview(request: SignedInRequest, course: Course, exercise_slug: str) -> HttpResponse:
    """Any variant of an exercise with its reference answers and mistakes; "next seed" steps on."""
    exercise = get_object_or_404(
        Exercise.objects.select_related("current_version"), slug=exercise_slug
    )
    form = PreviewForm(request.GET)
    seed = form.chosen_seed()
    context = {
        "course": course,
        "exercise": exercise,
        "form": form,
        "tab": "exercises",
        **variant_preview(exercise.version, seed),
    }
    return render(request, "staff/preview.html", context)


@staff_only
def gradebook_page(
    request: SignedInRequest, course: Course, quiz_slug: str | None = None
) -> HttpResponse:
    """Learners × quizzes, or × one quiz's exercises (the drill-down), a page of learners at a time."""
    quiz = get_object_or_404(Quiz, slug=quiz_slug) if quiz_slug else None
    query = _query(request)
    try:
        book, page = gradebook.gradebook_page(course, quiz, query, request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404("No such page of the gradebook.") from None
    context = {
        "course": course,
        "quiz": quiz,
        "book": book,
        "page": page,
        "sort": query.sort,
        "desc": query.descending,
        "q": query.text,
        "below": request.GET.get("below", ""),
        "scope_help": SCOPE_HELP,
        "tab": "gradebook",
    }
    return render(request, "staff/gradebook.html", context)


@staff_only
def gradebook_chart(request: SignedInRequest, course: Course) -> HttpResponse:
    """The course scores' histogram, on the gradebook page when asked for (it sums every learner)."""
    scores = gradebook.all_course_scores(course)
    histogram = charts.score_histogram(scores, "Course scores") if scores else ""
    return render(request, "staff/_gradebook_chart.html", {"histogram": histogram})


@staff_only
def gradebook_csv(request: SignedInRequest, course: Course) -> StreamingHttpResponse:
    """The gradebook (or one quiz's drill-down with ?quiz=) as CSV, with the page's filter and
    sort, streamed a chunk of learners at a time."""
    quiz_slug = request.GET.get("quiz")
    quiz = get_object_or_404(Quiz, slug=quiz_slug) if quiz_slug else None
    name = f"{course.slug}-{quiz.slug if quiz else 'gradebook'}.csv"
    response = StreamingHttpResponse(
        gradebook.gradebook_csv(course, quiz, _query(request)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_only
def learner_page(request: SignedInRequest, course: Course, learner_id: int) -> HttpResponse:
    """One learner's scores per quiz and their full history of submissions and gradings."""
    learner = get_object_or_404(learners_of(course), pk=learner_id)
    book = gradebook.build_gradebook(course, [learner], gradebook.quiz_columns())
    row = book.rows[0]
    history = list(
        submissions_in(course)
        .filter(attempt__learner=learner)
        .select_related(
            "grading",
            "attempt__exercise_version__exercise",
            "attempt__course",
            "attempt__assessment_item__assessment",
        )
        .prefetch_related(
            Prefetch(
                "gradings",
                Grading.objects.select_related("graded_by", "exercise_version").order_by(
                    "grading_round"
                ),
                to_attr="all_gradings",
            )
        )
        .order_by("-created_at")
    )
    context = {
        "course": course,
        "learner": learner,
        "quizzes": list(zip(book.columns, row.cells, strict=True)),
        "assessments": course_scores(course, learner),
        "row": row,
        "history": history,
        "scope_help": SCOPE_HELP,
        "tab": "gradebook",
    }
    return render(request, "staff/learner.html", context)


@staff_only
def exercise_list(request: SignedInRequest, course: Course) -> HttpResponse:
    """Every exercise of the bank with the course's attempt counts, linking to its analytics."""
    counts = dict(
        submissions_in(course)
        .values_list("attempt__exercise_version__exercise_id")
        .annotate(n=Count("id"))
        .values_list("attempt__exercise_version__exercise_id", "n")
    )
    exercises = Exercise.objects.select_related("module").order_by("module__order", "slug")
    rows = [(exercise, counts.get(exercise.pk, 0)) for exercise in exercises]
    return render(
        request,
        "staff/exercises.html",
        {"course": course, "rows": rows, "tab": "exercises"},
    )


@staff_only
def exercise_analytics(
    request: SignedInRequest, course: Course, exercise_slug: str
) -> HttpResponse:
    """Attempts, success, time to correct, mistakes fired, wrong answers grouped, failing tests."""
    exercise = get_object_or_404(Exercise.objects.select_related("module"), slug=exercise_slug)
    submissions = counted_submissions(course, exercise)
    stats = compute_stats(submissions)
    kinds = exercise.current_version.kinds if exercise.current_version else []
    grouping = group_wrong_answers(submissions) if "expression" in kinds else None
    context = {
        "course": course,
        "exercise": exercise,
        "stats": stats,
        "grouping": grouping,
        "limits_text": LIMITS_TEXT,
        "histogram": charts.score_histogram(stats.scores, "Best scores"),
        "timeline": charts.attempts_timeline(stats.times),
        "scope_help": SCOPE_HELP,
        "tab": "exercises",
    }
    return render(request, "staff/analytics.html", context)


@staff_only
def variant_fairness(request: SignedInRequest, course: Course, exercise_slug: str) -> HttpResponse:
    """First-attempt success by variant and by parameter value, with significant differences flagged."""
    exercise = get_object_or_404(Exercise, slug=exercise_slug)
    report = assess_fairness(counted_submissions(course, exercise))
    context = {
        "course": course,
        "exercise": exercise,
        "report": report,
        "test_name": TEST_NAME,
        "alpha": ALPHA,
        "min_group": MIN_GROUP,
        "tab": "exercises",
    }
    return render(request, "staff/fairness.html", context)


@staff_only
def regrade_page(request: SignedInRequest, course: Course, exercise_slug: str) -> HttpResponse:
    """The regrade form (with how many submissions match) and the before/after table."""
    exercise = get_object_or_404(
        Exercise.objects.select_related("current_version"), slug=exercise_slug
    )
    if request.method != "POST":
        return _regrade_form(request, course, exercise, RegradeFilterForm(request.GET))
    form = RegradeForm(request.POST)
    if not form.is_valid():
        return _regrade_form(request, course, exercise, form)
    count = regrading.regrade_matching(
        course,
        exercise,
        form.choice(),
        request.user,
        use_current_version=form.cleaned_data["version_choice"] == "current",
    )
    messages.success(request, f"Regrading {count} submission(s) in the background.")
    return redirect("staff:regrade", course_slug=course.slug, exercise_slug=exercise.slug)


def _regrade_form(
    request: SignedInRequest, course: Course, exercise: Exercise, form: RegradeFilterForm
) -> HttpResponse:
    """The regrade page; a filter that cannot be read matches nothing, and says why (400)."""
    valid = form.is_valid()
    choice = form.choice() if valid else RegradeFilter()
    context = {
        "course": course,
        "exercise": exercise,
        "form": form,
        "matching": regrading.regradable(course, exercise, choice).count() if valid else 0,
        "choice": choice,
        "verdicts": [v.value for v in Verdict],
        "versions": exercise.versions.order_by("number"),
        **_results_context(course, exercise, valid and form.cleaned_data["all"]),
        "tab": "exercises",
    }
    return render(request, "staff/regrade.html", context, status=200 if valid else 400)


def _results_context(course: Course, exercise: Exercise, show_all: bool) -> dict[str, Any]:
    changes = regrading.regrade_results(course, exercise)
    return {
        "job": regrading.job(course, exercise),
        "changes": changes if show_all else [c for c in changes if c.changed or c.pending],
        "changed_count": sum(c.changed for c in changes),
        "pending_count": sum(c.pending for c in changes),
        "regraded_count": len(changes),
        "show_all": show_all,
    }


@staff_only
def regrade_results(request: SignedInRequest, course: Course, exercise_slug: str) -> HttpResponse:
    """The before/after table alone (polled by the regrade page while gradings are pending)."""
    exercise = get_object_or_404(Exercise, slug=exercise_slug)
    form = RegradeResultsForm(request.GET)
    context = {
        "course": course,
        "exercise": exercise,
        **_results_context(course, exercise, form.is_valid() and form.cleaned_data["all"]),
    }
    return render(request, "staff/_regrade_results.html", context)


@staff_only
def review_queue(request: SignedInRequest, course: Course) -> HttpResponse:
    """Answers the engine could not decide, oldest first, with its evidence and the staff's choices."""
    queue = [(s, review.evidence_for(s)) for s in review.review_queue(course)[:100]]
    return render(
        request,
        "staff/review.html",
        {"course": course, "queue": queue, "tab": "review"},
    )


def _course_submission(course: Course, submission_id: int) -> Submission:
    submission = (
        submissions_in(course)
        .select_related("grading", "attempt__learner", "attempt__exercise_version__exercise")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise Http404("No such submission.")
    return submission


@staff_only
def submission_page(request: SignedInRequest, course: Course, submission_id: int) -> HttpResponse:
    """One submission: the answer, the engine's evidence, every grading, and the staff grade form."""
    submission = _course_submission(course, submission_id)
    gradings = submission.gradings.select_related("graded_by", "exercise_version").order_by(
        "grading_round"
    )
    context = {
        "course": course,
        "submission": submission,
        "gradings": gradings,
        "evidence": review.evidence_for(submission),
        "tab": "review",
    }
    return render(request, "staff/submission.html", context)


@staff_only
@require_POST
def grade_submission(request: SignedInRequest, course: Course, submission_id: int) -> HttpResponse:
    """Accept, reject or override a submission's score with a reason (a grading by this person)."""
    submission = _course_submission(course, submission_id)
    form = StaffGradeForm(request.POST)
    if not form.is_valid():
        return _not_graded(request, course, submission, error_text(form))
    data = form.cleaned_data
    try:
        review.grade_by_staff(
            course, submission, request.user, data["decision"], data["reason"], data["score"]
        )
    except review.ReviewRefused as refused:
        return _not_graded(request, course, submission, str(refused))
    messages.success(request, f"Submission {submission.pk} graded.")
    if data["next"] == "review":
        return redirect("staff:review", course_slug=course.slug)
    return redirect("staff:submission", course_slug=course.slug, submission_id=submission.pk)


def _not_graded(
    request: SignedInRequest, course: Course, submission: Submission, message: str
) -> HttpResponse:
    context = {"course": course, "submission": submission, "message": message}
    return render(request, "staff/_refused.html", context, status=422)
