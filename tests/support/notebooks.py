"""Notebooks of the bank's exercises, built and run as a learner's Jupyter would run them."""

from __future__ import annotations

import copy

import nbclient
import nbformat
from django.conf import settings

from exercises.loader import build_definition
from grader.notebooks.build import ANSWER_TAG, TESTS_TAG, build
from grader.params import draw_params
from tests.support.sandbox import EXERCISES


def definition(slug: str):
    from tests.conftest import parsed_bank

    loaded = next(e for e in parsed_bank().exercises if e.spec["slug"] == slug)
    return build_definition(loaded.spec, settings.EXERCISES_DIR, loaded.module)


def variant(slug: str, seed: int = 7):
    """(definition, params, notebook) of one variant."""
    found = definition(slug)
    params = draw_params(found.params, seed, found.redraw_if)
    return found, params, build(found, params, seed)


def solution(folder: str, name: str = "reference") -> str:
    return (EXERCISES / folder / "solutions" / f"{name}.py").read_text()


def tagged(notebook, tag: str) -> list:
    return [c for c in notebook.cells if tag in c.metadata.get("tags", [])]


def with_answer(notebook, code: str):
    """A copy of the notebook with `code` in its answer cell, as a learner would write it."""
    written = copy.deepcopy(notebook)
    tagged(written, ANSWER_TAG)[0].source = code
    return written


def run_headless(notebook) -> list[str]:
    """Run every cell in a fresh kernel (nbclient); the tests cell's printed lines."""
    ran = copy.deepcopy(notebook)
    nbclient.NotebookClient(ran, timeout=120, kernel_name="python3").execute()
    text = "".join(o.get("text", "") for o in tagged(ran, TESTS_TAG)[0].outputs)
    return text


def as_json(notebook) -> dict:
    return nbformat.from_dict(copy.deepcopy(notebook))
