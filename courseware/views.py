"""Learner pages. Views parse the request, call one service, render."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.contrib.auth.models import User
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from courseware import catalogue, exams, login_limits, progress, ratelimits
from courseware.access import (
    SignedInRequest,
    attempt_for,
    exercise_in_course,
    may_create_courses,
    membership_for,
    memberships_of,
    submission_for,
)
from courseware.accounts import join_open_courses
from courseware.answer_forms import answer_from_post, figure_svg, part_widgets
from courseware.assessments import results_hidden
from courseware.attempt_page import after_verdict, page_parts
from courseware.explorer import ExplorerError, explorer, is_explorer
from courseware.forms import NewCourseForm, SignUpForm
from courseware.grading.intake import SubmissionRefused, run_examples, submit
from courseware.grading.progress import grading_progress
from courseware.models import Assessment, Attempt, Course, Membership, Quiz, Submission
from courseware.notebook_answers import NotebookRefused, notebook_file, submit_notebook
from courseware.ratelimits import client_address
from courseware.rendering import render_markdown
from courseware.scoring import attempts_used, course_scores
from courseware.variants import current_attempt, definition_of, new_attempt
from grader.notebooks.read import MAX_BYTES as MAX_NOTEBOOK_BYTES
from grader.notebooks.read import too_large
from grader.results import AnswerTooLarge, InvalidAnswer
from monitoring import metrics
from tangent import auth


def metrics_page(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics for superusers and for scrapers that send the METRICS_TOKEN."""
    token = settings.METRICS_TOKEN
    bearer = request.headers.get("Authorization", "")
    allowed = request.user.is_authenticated and request.user.is_superuser
    if token and hmac.compare_digest(bearer.encode(), f"Bearer {token}".encode()):
        allowed = True
    if not allowed:
        raise Http404("No such page.")
    return HttpResponse(metrics.render(), content_type="text/plain; version=0.0.4; charset=utf-8")


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("courses")
    return render(request, "courseware/landing.html")


FormPage = auth_views.LoginView | auth_views.PasswordResetView | auth_views.PasswordResetConfirmView


def refused_form(view: FormPage, refused: ratelimits.RateLimited) -> HttpResponse:
    """A form view's page again with the refusal (`refusal`): 429 with Retry-After.

    The form is not validated (a held log-in's password is not checked); what was typed is kept.
    """
    kwargs = view.get_form_kwargs()
    data = kwargs.pop("data", None) or {}
    kwargs.pop("files", None)
    form = view.get_form_class()(**kwargs)
    form.initial.update({name: data[name] for name in form.fields if name in data})
    context = view.get_context_data(form=form, refusal=refused.message)
    response = view.render_to_response(context, status=429)
    response["Retry-After"] = str(refused.retry_after)
    return response


class LogInView(auth_views.LoginView):
    """Django's log-in, holding failures against the account and the address (login_limits)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            login_limits.check(request.POST.get("username", ""), client_address(request))
        except ratelimits.RateLimited as refused:
            return refused_form(self, refused)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        login_limits.failed(self.request.POST.get("username", ""), client_address(self.request))
        return super().form_invalid(form)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        login_limits.forget(self.request.POST.get("username", ""), client_address(self.request))
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, limited per address and per e-mail so it cannot send mail in bulk.

    Log-in failures never hold it: a reset is how a held owner gets back in.
    """

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = request.POST.get("email", "").strip().casefold()[:254]
        message = "Too many reset requests. Try again in {wait}."
        try:
            ratelimits.enforce("password-reset", client_address(request), message)
            ratelimits.enforce("password-reset-email", email, message)
        except ratelimits.RateLimited as refused:
            return refused_form(self, refused)
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's new-password form; setting one forgets the log-in failures from this address."""

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        login_limits.forget(form.user.get_username(), client_address(self.request))
        return super().form_valid(form)


@ratelimits.limited("signup", actor=client_address)
def sign_up(request: HttpRequest) -> HttpResponse:
    if not settings.OPEN_SIGNUP:
        return render(request, "registration/signup_closed.html", status=403)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        join_open_courses(user)
        login(request, user, backend=auth.BACKEND)
        messages.success(request, f"Welcome to Tangent, {user.username}.")
        return redirect("courses")
    return render(
        request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def course_list(request: SignedInRequest) -> HttpResponse:
    memberships = memberships_of(request.user)
    joined = {m.course_id for m in memberships}
    open_courses = Course.objects.filter(open_enrolment=True).exclude(pk__in=joined)
    context = {
        "memberships": memberships,
        "open_courses": open_courses,
        "may_create": may_create_courses(request.user),
    }
    return render(request, "courseware/courses.html", context)


@login_required
def new_course(request: SignedInRequest) -> HttpResponse:
    """Start a course (its creator becomes its staff); it gets a copy of the bank's quizzes."""
    if not may_create_courses(request.user):
        raise Http404("No such page.")
    form = NewCourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            course = form.save()
            Membership.objects.create(user=request.user, course=course, role=Membership.Role.STAFF)
        messages.success(request, f"“{course.title}” created with a copy of the bank's quizzes.")
        return redirect("staff:assessments", course_slug=course.slug)
    return render(
        request, "courseware/new_course.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def enrol(request: SignedInRequest, course_slug: str) -> HttpResponse:
    course = get_object_or_404(Course, slug=course_slug, open_enrolment=True)
    Membership.objects.get_or_create(user=request.user, course=course)
    return redirect("course", course_slug=course.slug)


@login_required
def course_page(request: SignedInRequest, course_slug: str) -> HttpResponse:
    membership = membership_for(request.user, course_slug)
    scores = progress.best_scores(request.user)
    context = {
        "course": membership.course,
        "membership": membership,
        "assessments": [score.row for score in course_scores(membership.course, request.user)],
        "resume": progress.last_attempt(request.user),
        "mastery": progress.mastery_by_topic(request.user, scores),
    }
    return render(request, "courseware/course.html", context)


@login_required
def quiz_page(request: SignedInRequest, course_slug: str, quiz_slug: str) -> HttpResponse:
    membership = membership_for(request.user, course_slug)
    quiz = get_object_or_404(Quiz.objects.select_related("module"), slug=quiz_slug)
    items = [item for item in quiz.items.select_related("exercise") if not item.exercise.retired]
    scores = progress.best_scores(request.user)
    rows = [
        {
            "exercise": item.exercise,
            "score": scores.get(item.exercise_id),
            "used": attempts_used(request.user, item.exercise) if quiz.attempt_limit else None,
        }
        for item in items
    ]
    summary = progress.quiz_progress(quiz, scores)
    return render(
        request,
        "courseware/quiz.html",
        {"course": membership.course, "quiz": quiz, "rows": rows, "summary": summary},
    )


def exercise_context(
    course: Course, attempt: Attempt, query: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """What the exercise page shows of an attempt to answer it: its prompt and answer widgets.
    Raises ExplorerError for an explorer setting (in `query`) that the exercise does not offer."""
    definition = definition_of(attempt)
    taylor = explorer(definition, attempt.params, query or {}) if is_explorer(definition) else None
    return {
        "course": course,
        "exercise": attempt.exercise,
        "attempt": attempt,
        "prompt": render_markdown(definition.prompt, attempt.params),
        "parts": part_widgets(definition, attempt),
        "has_code": any(part.kind == "code" for part in definition.parts),
        "figure": "" if taylor else figure_svg(definition, attempt.params),
        "explorer": taylor,
    }


def practice_closed_page(request: HttpRequest, course: Course, exam: Assessment) -> HttpResponse:
    """403: the learner's exam in progress holds this exercise."""
    context = {"course": course, "exam": exam, "message": exams.practice_closed_message(exam)}
    return render(request, "courseware/practice_closed.html", context, status=403)


@login_required
def exercise_page(request: SignedInRequest, course_slug: str, exercise_slug: str) -> HttpResponse:
    membership = membership_for(request.user, course_slug)
    exercise = exercise_in_course(membership.course, exercise_slug)
    closed = exams.practice_closed_by(request.user, membership.course.pk, exercise.pk)
    if closed is not None:
        return practice_closed_page(request, membership.course, closed)
    attempt = current_attempt(request.user, exercise, membership.course)
    try:
        context = exercise_context(membership.course, attempt, request.GET)
    except ExplorerError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    context.update(page_parts(attempt))
    context["quizzes"] = catalogue.quizzes_with(exercise.pk)
    context["urls"] = {
        name: reverse(name, args=[course_slug, exercise.slug])
        for name in ("submit", "run_tests", "another_variant")
    }
    return render(request, "courseware/exercise.html", context)


@login_required
def taylor_explorer(request: SignedInRequest, course_slug: str, exercise_slug: str) -> HttpResponse:
    """The explorer of the learner's current variant redrawn for the order and centre asked for
    (the fragment the exercise page swaps in); 400 for a choice it does not offer."""
    membership = membership_for(request.user, course_slug)
    exercise = exercise_in_course(membership.course, exercise_slug)
    attempt = current_attempt(request.user, exercise, membership.course)
    definition = definition_of(attempt)
    if not is_explorer(definition):
        raise Http404("This exercise has no explorer.")
    try:
        taylor = explorer(definition, attempt.params, request.GET)
    except ExplorerError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    context = {"course": membership.course, "exercise": exercise, "explorer": taylor}
    return render(request, "courseware/_taylor_explorer.html", context)


def posted_attempt(request: SignedInRequest, course_slug: str, exercise_slug: str) -> Attempt:
    """The attempt a page form answers (its id comes from the form: the learner's own, or 404)."""
    membership = membership_for(request.user, course_slug)
    exercise = exercise_in_course(membership.course, exercise_slug)
    return attempt_for(request.user, request.POST.get("attempt", 0) or 0, exercise)


AnswerService = Callable[[Attempt, dict[str, Any]], Submission]


def answer_response(
    request: SignedInRequest, attempt: Attempt, service: AnswerService
) -> HttpResponse:
    """Read the page's answer to `attempt`, hand it to `service` (submit, or run the examples) and
    render the result (or why it was refused)."""
    return answered(
        request,
        lambda: service(attempt, answer_from_post(definition_of(attempt), attempt, request.POST)),
    )


def take_answer(
    request: SignedInRequest, course_slug: str, exercise_slug: str, service: AnswerService
) -> HttpResponse:
    """The practice page's answer to its exercise."""
    return answer_response(request, posted_attempt(request, course_slug, exercise_slug), service)


def answered(request: SignedInRequest, make_submission: Callable[[], Submission]) -> HttpResponse:
    """Make the submission (each service stores its rows in one transaction) and render it, or
    render why it was refused."""
    try:
        submission = make_submission()
    except AnswerTooLarge as error:
        return answer_error(request, error, 413)
    except InvalidAnswer as error:
        return answer_error(request, error, 422)
    except SubmissionRefused as refused:
        return answer_error(request, refused, 409)
    except NotebookRefused as refused:
        return answer_error(request, refused, refused.status)
    return render(
        request, "courseware/_grading.html", verdict_context(request, submission), status=202
    )


def verdict_context(request: SignedInRequest, submission: Submission) -> dict[str, Any]:
    """The verdict fragment's context: the submission, whether its result is withheld from the
    viewer, and the parts of the learner's page the verdict changes (courseware.attempt_page)."""
    return {
        "submission": submission,
        "hidden": results_hidden(submission, request.user),
        **after_verdict(submission, request.user),
    }


def answer_error(request: HttpRequest, error: Exception, status: int) -> HttpResponse:
    """Why an answer was not taken (the error's `message`), with its 4xx status."""
    return render(request, "courseware/_answer_error.html", {"error": error}, status=status)


@login_required
@require_POST
@ratelimits.limited("submit")
def submit_answer(request: SignedInRequest, course_slug: str, exercise_slug: str) -> HttpResponse:
    return take_answer(request, course_slug, exercise_slug, submit)


@login_required
@require_POST
@ratelimits.limited("submit")
def run_tests(request: SignedInRequest, course_slug: str, exercise_slug: str) -> HttpResponse:
    """ "Run my tests": the visible examples, graded by the worker; not an attempt."""
    return take_answer(request, course_slug, exercise_slug, run_examples)


@login_required
@require_POST
@ratelimits.limited("submit")
def upload_notebook(request: SignedInRequest, course_slug: str, exercise_slug: str) -> HttpResponse:
    """A notebook uploaded on the exercise page, graded as the attempt's code answer."""
    attempt = posted_attempt(request, course_slug, exercise_slug)
    upload = request.FILES.get("notebook")
    if upload is None:
        return answer_error(request, NotebookRefused(422, "Choose a notebook (.ipynb)."), 422)
    size = upload.size or 0  # a form's upload always has one; read_upload counts the bytes too
    if size > MAX_NOTEBOOK_BYTES:
        return answer_error(request, NotebookRefused(413, too_large(size)), 413)
    return answered(request, lambda: submit_notebook(attempt, upload.read()))


@login_required
def exercise_notebook(
    request: SignedInRequest, course_slug: str, exercise_slug: str
) -> HttpResponse:
    """ "Open as notebook": the learner's current variant as a .ipynb file."""
    membership = membership_for(request.user, course_slug)
    exercise = exercise_in_course(membership.course, exercise_slug)
    attempt = current_attempt(request.user, exercise, membership.course)
    return notebook_file(attempt, request.build_absolute_uri("/").rstrip("/"))


@login_required
def submission_status(request: SignedInRequest, submission_id: int) -> HttpResponse:
    submission = submission_for(request.user, submission_id)
    running = submission.status == Submission.Status.RUNNING
    tests_done = grading_progress(submission.pk) if running else None
    context = {**verdict_context(request, submission), "progress": tests_done}
    return render(request, "courseware/_grading.html", context)


@login_required
@require_POST
def another_variant(request: SignedInRequest, course_slug: str, exercise_slug: str) -> HttpResponse:
    membership = membership_for(request.user, course_slug)
    exercise = exercise_in_course(membership.course, exercise_slug)
    closed = exams.practice_closed_by(request.user, membership.course.pk, exercise.pk)
    if closed is not None:
        return practice_closed_page(request, membership.course, closed)
    new_attempt(request.user, exercise, membership.course)
    return redirect("exercise", course_slug=course_slug, exercise_slug=exercise.slug)
