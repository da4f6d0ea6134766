"""The Django admin's pages of courseware (its site is tangent.admin_site's, for superusers)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from courseware.models import (
    Assessment,
    AssessmentException,
    Attempt,
    AuditEntry,
    AuthoredExercise,
    Course,
    Exercise,
    ExerciseVersion,
    Grading,
    Membership,
    Module,
    OutboxEvent,
    Quiz,
    QuizItem,
    SandpitGame,
    Submission,
)


class MembershipInline(admin.TabularInline[Membership, Course]):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin[Course]):
    list_display = ["slug", "title", "open_enrolment"]
    inlines = [MembershipInline]


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin[Module]):
    list_display = ["order", "slug", "title"]


class QuizItemInline(admin.TabularInline[QuizItem, Quiz]):
    model = QuizItem
    extra = 0


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin[Quiz]):
    list_display = ["slug", "title", "module", "opens_at", "due_at", "attempt_limit"]
    inlines = [QuizItemInline]


class AssessmentExceptionInline(admin.TabularInline[AssessmentException, Assessment]):
    model = AssessmentException
    extra = 0
    raw_id_fields = ["learner", "created_by"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin[Assessment]):
    """A course's own assessment (items are composed on the course's staff pages)."""

    list_display = ["course", "slug", "title", "kind", "opens_at", "due_at", "weight"]
    list_filter = ["course", "kind"]
    inlines = [AssessmentExceptionInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["created_at", "course", "actor", "action", "assessment", "learner"]
    list_filter = ["course", "action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin[Exercise]):
    list_display = ["slug", "title", "module", "current_version", "retired"]
    list_filter = ["module", "retired"]


@admin.register(ExerciseVersion)
class ExerciseVersionAdmin(admin.ModelAdmin[ExerciseVersion]):
    list_display = ["exercise", "number", "content_hash", "created_at"]
    readonly_fields = ["exercise", "number", "content_hash", "spec", "created_at"]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin[Attempt]):
    list_display = ["learner", "exercise_version", "number", "seed", "created_at"]
    raw_id_fields = ["learner", "exercise_version", "course"]


class GradingInline(admin.TabularInline[Grading, Submission]):
    model = Grading
    extra = 0
    can_delete = False
    readonly_fields = (
        "grading_round",
        "status",
        "verdict",
        "score",
        "rule",
        "grader_version",
        "finished_at",
        "graded_by",
    )
    fields = readonly_fields


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin[Submission]):
    list_display = ["pk", "attempt", "status", "deliveries", "grader_errors", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["attempt", "grading"]
    inlines = [GradingInline]


class AuthoredExerciseForm(forms.ModelForm[AuthoredExercise]):
    spec: dict[str, Any]  # what the source defines, once it is checked

    class Meta:
        model = AuthoredExercise
        fields = ["module", "source"]
        widgets = {"source": forms.Textarea(attrs={"rows": 30, "cols": 100, "spellcheck": "false"})}

    def clean_source(self) -> str:
        from exercises.authoring import check_source

        source: str = self.cleaned_data["source"]
        spec, problems = check_source(source, self.instance if self.instance.pk else None)
        if problems or spec is None:
            raise forms.ValidationError(problems)
        self.spec = spec
        return source


@admin.register(AuthoredExercise)
class AuthoredExerciseAdmin(admin.ModelAdmin[AuthoredExercise]):
    """Declarative exercises written here are checked on save (a few variants graded for real)."""

    form = AuthoredExerciseForm
    list_display = ["__str__", "module", "updated_at"]

    def save_model(
        self, request: HttpRequest, obj: AuthoredExercise, form: AuthoredExerciseForm, change: bool
    ) -> None:
        from exercises.authoring import publish

        super().save_model(request, obj, form, change)
        publish(obj, form.spec)


@admin.register(SandpitGame)
class SandpitGameAdmin(admin.ModelAdmin[SandpitGame]):
    list_display = ["attempt", "part", "status", "created_at", "ended_at"]
    raw_id_fields = ["attempt", "submission"]


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin[OutboxEvent]):
    list_display = ["kind", "created_at", "delivered_at"]
