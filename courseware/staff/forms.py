"""Forms of the staff's exercise, review and exam pages: they read what staff type into values;
whether a value is allowed (a score's range, an extension's length) is the service's rule."""

from __future__ import annotations

from django import forms

from courseware.staff.regrading import RegradeFilter
from grader.params import SEED_LIMIT
from grader.results import Verdict


def error_text(form: forms.Form) -> str:
    """Every error of an invalid form as one message, for pages that show a single one."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


SEED_RANGE = f"seeds run from 0 to {SEED_LIMIT - 1}; showing seed 0."


class PreviewForm(forms.Form):
    seed = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=SEED_LIMIT - 1,
        error_messages={
            "invalid": "not a whole number; showing seed 0.",
            "min_value": SEED_RANGE,
            "max_value": SEED_RANGE,
        },
    )

    def chosen_seed(self) -> int:
        """The seed asked for; 0 when none is, or when it cannot be one (self.errors say why)."""
        return (self.cleaned_data.get("seed") or 0) if self.is_valid() else 0


class RegradeResultsForm(forms.Form):
    all = forms.BooleanField(required=False, label="Show all regraded")


class RegradeFilterForm(RegradeResultsForm):
    verdict = forms.ChoiceField(
        required=False,
        label="Current verdict",
        choices=[("", "any")] + [(v.value, v.value) for v in Verdict],
    )
    version = forms.IntegerField(required=False, min_value=1, label="Graded under version")
    below_full_marks = forms.BooleanField(required=False, label="Below full marks only")

    def choice(self) -> RegradeFilter:
        data = self.cleaned_data
        return RegradeFilter(
            verdict=data["verdict"],
            version=data["version"],
            below_full_marks=data["below_full_marks"],
        )


class RegradeForm(RegradeFilterForm):
    version_choice = forms.ChoiceField(
        required=False,
        label="Grade against",
        choices=[("current", "the current version"), ("original", "the version drawn on")],
    )

    def clean_version_choice(self) -> str:
        return self.cleaned_data["version_choice"] or "current"


class StaffGradeForm(forms.Form):
    """A staff grade as typed: the score in percent; the decision and reason as given (the review
    service says which it accepts)."""

    decision = forms.CharField(required=False, max_length=20)
    reason = forms.CharField(required=False, max_length=500)
    score = forms.FloatField(
        required=False,
        error_messages={"invalid": "Give the score as a number of percent, from 0 to 100."},
    )
    next = forms.ChoiceField(
        required=False, choices=[("", "the submission"), ("review", "the review queue")]
    )

    def clean_score(self) -> float | None:
        score = self.cleaned_data["score"]
        return None if score is None else score / 100


class ExtendForm(forms.Form):
    minutes = forms.IntegerField(
        error_messages={
            "required": "Give the minutes to add.",
            "invalid": "Give the minutes to add as a whole number.",
        }
    )
