"""Forms of the staff's assessment pages: settings, items, exceptions, and a new course."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import QuerySet

from courseware.models import Assessment, AssessmentException, Course, Exercise, Module
from grader.answers import KINDS

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class NewAssessmentForm(forms.ModelForm[Assessment]):
    class Meta:
        model = Assessment
        fields = ["title", "slug", "kind"]

    def __init__(self, *args: Any, course: Course, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.course = course

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        if self.course.assessments.filter(slug=slug).exists():
            raise forms.ValidationError("This course already has an assessment with this slug.")
        return slug


class AssessmentForm(forms.ModelForm[Assessment]):
    """Schedule and policy. Credits and penalties are typed in percent."""

    late_credit_percent = forms.FloatField(
        min_value=0,
        max_value=100,
        label="Late credit (%)",
        help_text="Share of the score a late answer keeps.",
    )
    penalty_percent = forms.FloatField(
        min_value=0,
        max_value=100,
        label="Penalty per wrong attempt (%)",
        help_text="Taken off the item's score for each wrong answer before the one that counts.",
    )

    class Meta:
        model = Assessment
        fields = [
            "title",
            "kind",
            "position",
            "opens_at",
            "due_at",
            "late_until",
            "attempt_limit",
            "score_policy",
            "feedback",
            "solutions",
            "hints",
            "shuffle",
            "weight",
            "time_limit_minutes",
            "access_code",
        ]
        widgets = {"opens_at": DATETIME, "due_at": DATETIME, "late_until": DATETIME}
        help_texts = {
            "opens_at": "UTC",
            "due_at": "UTC",
            "late_until": "UTC; empty: no late answers.",
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["late_credit_percent"].initial = round(self.instance.late_credit * 100, 2)
        self.fields["penalty_percent"].initial = round(
            self.instance.penalty_per_wrong_attempt * 100, 2
        )
        self.fields["weight"].widget.attrs["min"] = 0

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        opens, due, late = data.get("opens_at"), data.get("due_at"), data.get("late_until")
        if opens and due and due < opens:
            self.add_error("due_at", "The due date must come after the opening.")
        if late and not due:
            self.add_error("late_until", "A late window needs a due date.")
        elif late and due and late < due:
            self.add_error("late_until", "The late window must end after the due date.")
        if (
            data.get("kind") == Assessment.Kind.EXAM
            and not data.get("time_limit_minutes")
            and not due
        ):
            self.add_error(
                "time_limit_minutes", "An exam needs a time limit or a due date to end at."
            )
        if data.get("weight") is not None and data["weight"] < 0:
            self.add_error("weight", "The weight cannot be negative.")
        return data

    def save(self, commit: bool = True) -> Assessment:
        self.instance.late_credit = self.cleaned_data["late_credit_percent"] / 100
        self.instance.penalty_per_wrong_attempt = self.cleaned_data["penalty_percent"] / 100
        return super().save(commit)


class BankSearchForm(forms.Form):
    module = forms.ModelChoiceField(Module.objects.all(), required=False, empty_label="any module")
    topic = forms.CharField(required=False, max_length=100)
    kind = forms.ChoiceField(
        required=False,
        label="Answer kind",
        choices=[("", "any kind")] + [(k, k) for k in KINDS],
    )
    text = forms.CharField(required=False, max_length=100, label="Title or slug contains")


class LearnerChoiceField(forms.ModelChoiceField[User]):
    """A learner of the course (the form sets which), shown by name, else username."""

    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class ExceptionForm(forms.ModelForm[AssessmentException]):
    learner = LearnerChoiceField(get_user_model().objects.none())

    class Meta:
        model = AssessmentException
        fields = ["learner", *AssessmentException.GRANTS]
        widgets = {"opens_at": DATETIME, "due_at": DATETIME, "late_until": DATETIME}
        help_texts = {
            "due_at": "UTC; empty: the assessment's.",
            "late_until": "UTC; empty: the assessment's.",
            "time_multiplier": "For exams: 1.5 gives half as much time again.",
        }

    def __init__(self, *args: Any, learners: QuerySet[User], assessment: Assessment, **kwargs: Any):
        super().__init__(*args, **kwargs)
        learner = self.fields["learner"]
        assert isinstance(learner, LearnerChoiceField)
        learner.queryset = learners
        self.assessment = assessment

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        due = data.get("due_at") or self.assessment.due_at
        late = data.get("late_until")
        if late and due and late < due:
            self.add_error("late_until", "The late window must end after the due date.")
        if data.get("time_multiplier") is not None and data["time_multiplier"] < 1:
            self.add_error("time_multiplier", "Extra time multiplies by 1 or more.")
        if not any(
            [
                data.get("opens_at"),
                data.get("due_at"),
                late,
                data.get("extra_attempts"),
                (data.get("time_multiplier") or 1) > 1,
            ]
        ):
            raise forms.ValidationError("Set at least one date, extra attempts or extra time.")
        return data


class PointsField(forms.FloatField):
    """Points as typed: any float, NaN and infinities included, as composing.checked_points
    says which an item may have."""

    default_error_messages = {"invalid": "Points must be a number."}

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)


class AddItemsForm(forms.Form):
    """Exercises of the bank to add, each as an item or together as one pool."""

    exercise = forms.ModelMultipleChoiceField(
        Exercise.objects.filter(retired=False),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": "%(value)s is not a live exercise of the bank."},
    )
    points = PointsField(required=False)
    pool = forms.BooleanField(required=False)

    def clean_points(self) -> float:
        points: float | None = self.cleaned_data["points"]
        return 1.0 if points is None else points


class ItemChangeForm(forms.Form):
    """One change to an item: move it up or down, remove it, or set its points."""

    move = forms.ChoiceField(required=False, choices=[("up", "up"), ("down", "down")])
    remove = forms.BooleanField(required=False)
    points = PointsField(required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        chosen = data.get("move") or data.get("remove") or data.get("points") is not None
        if not chosen and not self.has_error("points"):
            self.add_error("points", "Points must be a number.")
        return data
