"""Staff pages of a course. Access: the course's staff only (`staff_only`); anyone else gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import InvalidPage
from django.db.models import Count
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from courseware import audit
from courseware.audit import Action
from courseware.models import Exercise, Grading, Quiz, Submission
from courseware.scoring import course_scores
from courseware.staff import charts, gradebook, regrading, review
from courseware.staff.access import staff_only
from courseware.staff.analytics import compute_stats, counted_submissions
from courseware.staff.fairness import ALPHA, MIN_GROUP, TEST_NAME, assess_fairness, redraw_clause
from courseware.staff.preview import variant_preview
from courseware.staff.scope import SCOPE_HELP, learners_of, submissions_in
from courseware.staff.wrong_answers import LIMITS_TEXT, group_wrong_answers
from grader.params import SEED_LIMIT
from grader.results import Verdict


def _percent_filter(text: str) -> float | None:
    """A "score below" filter in percent, as a 0–1 fraction; None when absent or unreadable."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return min(max(value, 0.0), 100.0) / 100.0


def _query(request) -> gradebook.Query:
    """The gradebook's filter (q, below) and sort (sort, desc) from the request."""
    return gradebook.Query(
        request.GET.get("q", ""),
        _percent_filter(request.GET.get("below")),
        request.GET.get("sort", "learner"),
        request.GET.get("desc") == "1",
    )


@staff_only
def exercise_preview(request, course, exercise_slug):
    """Any variant of an exercise with its reference answers and mistakes; "next seed" steps on."""
    exercise = get_object_or_404(
        Exercise.objects.select_related("current_version"), slug=exercise_slug
    )
    text = request.GET.get("seed", "0")
    seed = int(text) if text.isdigit() and int(text) < SEED_LIMIT else 0
    context = {
        "course": course,
        "exercise": exercise,
        "tab": "exercises",
        **variant_preview(exercise.current_version, seed),
    }
    return render(request, "staff/preview.html", context)


@staff_only
def gradebook_page(request, course, quiz_slug=None):
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
def gradebook_chart(request, course):
    """The course scores' histogram, on the gradebook page when asked for (it sums every learner)."""
    scores = gradebook.all_course_scores(course)
    histogram = charts.score_histogram(scores, "Course scores") if scores else ""
    return render(request, "staff/_gradebook_chart.html", {"histogram": histogram})


@staff_only
def gradebook_csv(request, course):
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
def learner_page(request, course, learner_id):
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
        .order_by("-created_at")
    )
    gradings: dict[int, list[Grading]] = {}
    for grading in Grading.objects.filter(submission__in=history).select_related(
        "graded_by", "exercise_version"
    ):
        gradings.setdefault(grading.submission_id, []).append(grading)
    for submission in history:
        submission.all_gradings = sorted(gradings.get(submission.pk, []), key=lambda g: g.request)
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
def exercise_list(request, course):
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
def exercise_analytics(request, course, exercise_slug):
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
def variant_fairness(request, course, exercise_slug):
    """First-attempt success by variant and by parameter value, with significant differences flagged."""
    exercise = get_object_or_404(Exercise, slug=exercise_slug)
    report = assess_fairness(counted_submissions(course, exercise))
    for group in report.by_variant + report.by_parameter:
        group.redraw_if = redraw_clause(group)
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


def _regrade_filter(data) -> regrading.RegradeFilter:
    verdict = data.get("verdict", "")
    if verdict and verdict not in {v.value for v in Verdict}:
        verdict = ""
    try:
        version = int(data["version"]) if data.get("version") else None
    except ValueError:
        version = None
    return regrading.RegradeFilter(
        verdict=verdict, version=version, below_full_marks=data.get("below_full_marks") == "on"
    )


@staff_only
def regrade_page(request, course, exercise_slug):
    """The regrade form (with how many submissions match) and the before/after table."""
    exercise = get_object_or_404(
        Exercise.objects.select_related("current_version"), slug=exercise_slug
    )
    if request.method == "POST":
        choice = _regrade_filter(request.POST)
        chosen = regrading.regradable(course, exercise, choice)
        ids = list(chosen.values_list("pk", flat=True)[: regrading.MAX_REGRADE])
        current = request.POST.get("version_choice") != "original"
        regrading.start(course, exercise, ids, use_current_version=current)
        audit.record(
            course,
            request.user,
            Action.REGRADE,
            exercise=exercise.slug,
            submissions=len(ids),
            filter={"verdict": choice.verdict, "version": choice.version},
            version=request.POST.get("version_choice") or "current",
        )
        messages.success(request, f"Regrading {len(ids)} submission(s) in the background.")
        return redirect("staff:regrade", course_slug=course.slug, exercise_slug=exercise.slug)
    choice = _regrade_filter(request.GET)
    context = {
        "course": course,
        "exercise": exercise,
        "matching": regrading.regradable(course, exercise, choice).count(),
        "choice": choice,
        "verdicts": [v.value for v in Verdict],
        "versions": exercise.versions.order_by("number"),
        **_results_context(course, exercise, request),
        "tab": "exercises",
    }
    return render(request, "staff/regrade.html", context)


def _results_context(course, exercise, request) -> dict:
    changes = regrading.regrade_results(course, exercise)
    everything = request.GET.get("all") == "1"
    return {
        "job": regrading.job(course, exercise),
        "changes": changes if everything else [c for c in changes if c.changed or c.pending],
        "changed_count": sum(c.changed for c in changes),
        "pending_count": sum(c.pending for c in changes),
        "regraded_count": len(changes),
        "show_all": everything,
    }


@staff_only
def regrade_results(request, course, exercise_slug):
    """The before/after table alone (polled by the regrade page while gradings are pending)."""
    exercise = get_object_or_404(Exercise, slug=exercise_slug)
    context = {
        "course": course,
        "exercise": exercise,
        **_results_context(course, exercise, request),
    }
    return render(request, "staff/_regrade_results.html", context)


@staff_only
def review_queue(request, course):
    """Answers the engine could not decide, oldest first, with its evidence and the staff's choices."""
    queue = list(review.review_queue(course)[:100])
    for submission in queue:
        submission.evidence = review.evidence_for(submission)
    return render(
        request,
        "staff/review.html",
        {"course": course, "queue": queue, "tab": "review"},
    )


def _course_submission(course, submission_id) -> Submission:
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
def submission_page(request, course, submission_id):
    """One submission: the answer, the engine's evidence, every grading, and the staff grade form."""
    submission = _course_submission(course, submission_id)
    gradings = submission.gradings.select_related("graded_by", "exercise_version").order_by(
        "request"
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
def grade_submission(request, course, submission_id):
    """Accept, reject or override a submission's score with a reason (a grading by this person)."""
    submission = _course_submission(course, submission_id)
    try:
        score = float(request.POST["score"]) / 100 if request.POST.get("score") else None
    except ValueError:
        score = -1.0  # refused below with the message for a score out of range
    try:
        grading = review.grade_by_staff(
            submission,
            request.user,
            request.POST.get("decision", ""),
            request.POST.get("reason", ""),
            score,
        )
    except review.ReviewRefused as refused:
        return render(
            request,
            "staff/_refused.html",
            {"course": course, "submission": submission, "message": str(refused)},
            status=422,
        )
    item = submission.attempt.assessment_item
    audit.record(
        course,
        request.user,
        Action.MANUAL_GRADE,
        assessment=item.assessment if item else None,
        learner=submission.attempt.learner,
        submission=submission.pk,
        exercise=submission.attempt.exercise.slug,
        decision=request.POST.get("decision", ""),
        score=grading.score,
        reason=grading.reason,
    )
    messages.success(request, f"Submission {submission.pk} graded.")
    target = request.POST.get("next")
    if target == "review":
        return redirect("staff:review", course_slug=course.slug)
    return redirect("staff:submission", course_slug=course.slug, submission_id=submission.pk)
