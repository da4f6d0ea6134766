"""Notebooks in and out: a learner's variant as a notebook, and an uploaded notebook as an answer.

The notebook itself is built and read by grader.notebooks (plain functions); here it meets the
learner's attempt, the submission pipeline and storage.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import Http404, HttpResponse

from courseware.grading.intake import submit
from courseware.models import Attempt, NotebookUpload, Submission
from courseware.variants import definition_of
from grader.notebooks.build import build, code_parts, dumps
from grader.notebooks.read import (
    MAX_BYTES,
    NotebookRefused,
    answer_code,
    checked,
    parse,
    too_large,
)

MEDIA_TYPE = "application/x-ipynb+json"

__all__ = ["NotebookRefused", "notebook_file", "submit_notebook"]


def notebook_file(attempt: Attempt, site: str = "") -> HttpResponse:
    """The attempt's variant as a downloadable .ipynb (404 for an exercise with no code part)."""
    definition = definition_of(attempt)
    if not code_parts(definition):
        raise Http404("This exercise has no code part, so no notebook.")
    notebook = build(
        definition,
        attempt.params,
        attempt.seed,
        version=attempt.exercise_version.content_hash,
        site=site,
    )
    response = HttpResponse(dumps(notebook), content_type=MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{definition.slug}.ipynb"'
    return response


def read_upload(raw: bytes | str | dict[str, Any]) -> Any:
    """A checked notebook from an uploaded file's bytes or from JSON already parsed."""
    if isinstance(raw, dict):
        size = len(json.dumps(raw))
        if size > MAX_BYTES:
            raise NotebookRefused(413, too_large(size))
        return checked(raw)
    return checked(parse(raw))


def submit_notebook(
    attempt: Attempt,
    raw: bytes | str | dict[str, Any],
    service: Callable[[Attempt, dict[str, Any]], Submission] = submit,
) -> Submission:
    """Grade the notebook's answer cells as the attempt's code answer; keep the notebook, its
    outputs dropped, with which cells were graded. NotebookRefused for a notebook that is not one
    or holds no answer; the submission service's own refusals otherwise."""
    notebook = read_upload(raw)
    definition = definition_of(attempt)
    parts = code_parts(definition)
    if not parts:
        raise NotebookRefused(422, "This exercise has no code part: answer it on its page.")
    found = {
        part.name: answer_code(notebook, part.name, part.config["function"], len(parts))
        for part in parts
    }
    answer: dict[str, Any]
    if len(definition.parts) == 1:
        answer = {"code": found[parts[0].name].code}
    else:
        answer = {"parts": {name: {"code": f.code} for name, f in found.items()}}
    notes = [(f"{name}: " if len(found) > 1 else "") + f.describe() for name, f in found.items()]
    with transaction.atomic():
        submission = service(attempt, answer)
        NotebookUpload.objects.create(
            submission=submission,
            notebook=notebook,
            cells=sorted({cell for f in found.values() for cell in f.cells}),
            note=" ".join(notes),
        )
    return submission
