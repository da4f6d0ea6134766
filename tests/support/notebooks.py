"""Notebooks of the bank's exercises, built and run as a learner's Jupyter would run them."""

from __future__ import annotations

import asyncio
import copy
from concurrent.futures import ThreadPoolExecutor

import nbclient
import nbformat

from exercises.loader import build_definition
from grader.notebooks.build import ANSWER_TAG, TESTS_TAG, build
from grader.params import draw_params
from tests.support.sandbox import EXERCISES


def definition(slug: str):
    from tests.conftest import parsed_bank

    loaded = next(e for e in parsed_bank().exercises if e.spec["slug"] == slug)
    return build_definition(loaded.spec, loaded.files, loaded.module)


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


KERNELS_AT_ONCE = 2  # a kernel's start is half waiting: two overlap well on two cores


def run_headless(notebook) -> str:
    """Run every cell in a fresh kernel (nbclient); the tests cell's printed lines."""
    (printed,) = run_headless_each(notebook)
    return printed


def run_headless_each(*notebooks) -> list[str]:
    """`run_headless` of each notebook, each in its own kernel, at most two kernels at a time.
    Their event loop runs in a thread of its own: the test process's thread may already run one
    (Playwright's, once a browser test has run in it)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, _run_each(notebooks)).result()


async def _run_each(notebooks) -> list[str]:
    running = asyncio.Semaphore(KERNELS_AT_ONCE)

    async def run(notebook) -> str:
        ran = copy.deepcopy(notebook)
        async with running:
            await nbclient.NotebookClient(ran, timeout=120, kernel_name="python3").async_execute()
        return "".join(o.get("text", "") for o in tagged(ran, TESTS_TAG)[0].outputs)

    return list(await asyncio.gather(*(run(notebook) for notebook in notebooks)))


def as_json(notebook) -> dict:
    return nbformat.from_dict(copy.deepcopy(notebook))
