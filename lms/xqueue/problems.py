"""Open edX problems graded through XQueue that show each learner the variant Tangent grades.

Open edX shows the same problem text to everyone, so a randomised exercise's numbers come from a
table: the problem's `<script type="loncapa/python">` holds N pre-rendered prompts, and capa
(which runs the script with the problem's seed in `seed`, and puts `$tangent_prompt` into the
page) shows row `seed % N`. edx-platform sends that same seed with the answer
(`student_info.random_seed`) and the grader_payload says N, so Tangent grades the learner against
row `seed % N`, drawn from courseware.variants.table_seed(slug, row): text and grading agree.
"""

from __future__ import annotations

import json
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from courseware.grading.definitions import definition_for
from courseware.models import Exercise
from courseware.rendering import render_markdown
from courseware.variants import params_for, table_seed
from lms.xqueue.jobs import MAX_VARIANTS

# Answer kinds a learner can type into Open edX's one answer box, and that box's settings
ANSWER_BOXES = {
    "expression": {"rows": "2", "cols": "60", "mode": "text/plain", "linenumbers": "false"},
    "number": {"rows": "1", "cols": "30", "mode": "text/plain", "linenumbers": "false"},
    "code": {"rows": "20", "cols": "80", "mode": "python", "tabsize": "4"},
}
SCRIPT = "TANGENT-SCRIPT"  # where the script goes in the serialised XML


class ProblemRefused(ValueError):
    """An exercise that cannot become an XQueue problem as asked."""


def prompt_html(exercise: Exercise, row: int) -> str:
    """The prompt of row `row` of the exercise's table, as HTML with MathJax's delimiters (a
    dollar sign written as an entity: capa replaces `$name` in the page with its variables)."""
    version = exercise.version
    params = params_for(version, table_seed(exercise.slug, row))
    return render_markdown(definition_for(version).prompt, params, math="mathjax").replace(
        "$", "&#36;"
    )


def problem_xml(exercise: Exercise, queue: str, variants: int) -> str:
    """The capa problem XML: the table of prompts, the answer box and the grader payload."""
    definition = definition_for(exercise.version)
    part = definition.parts[0]
    if not definition.single_part or part.kind not in ANSWER_BOXES:
        kinds = ", ".join(p.kind for p in definition.parts)
        raise ProblemRefused(
            f"“{exercise.slug}” ({kinds}) needs more than one typed answer: an Open edX XQueue "
            "problem has one answer box for an expression, a number or code. Use Tangent's LTI "
            "tool for this exercise."
        )
    if not exercise.version.spec.get("params"):
        variants = 1  # the same text for everyone
    if not 1 <= variants <= MAX_VARIANTS:
        raise ProblemRefused(f"--variants must be from 1 to {MAX_VARIANTS}.")
    rows = "".join(f"    {json.dumps(prompt_html(exercise, row))},\n" for row in range(variants))
    code = (
        f"\n# Tangent exercise {exercise.slug}: {variants} variant(s). Open edX shows row\n"
        "# seed % len(tangent_variants); Tangent grades the answer against the same row.\n"
        f"tangent_variants = [\n{rows}]\n"
        "tangent_prompt = tangent_variants[seed % len(tangent_variants)]\n"
    )
    problem = Element("problem")
    SubElement(problem, "script", type="loncapa/python").text = SCRIPT
    SubElement(problem, "div", {"class": "tangent-prompt"}).text = "$tangent_prompt"
    response = SubElement(problem, "coderesponse", queuename=queue)
    SubElement(response, "textbox", ANSWER_BOXES[part.kind])
    codeparam = SubElement(response, "codeparam")
    if part.config.get("starter"):
        SubElement(codeparam, "initial_display").text = part.config["starter"]
    SubElement(codeparam, "grader_payload").text = json.dumps(
        {"exercise": exercise.slug, "variants": variants}
    )
    indent(problem)
    # The script as CDATA, readable in Studio's editor ("]]>" can only be inside a string literal)
    cdata = "<![CDATA[" + code.replace("]]>", "]]\\u003e") + "]]>"
    return tostring(problem, encoding="unicode").replace(SCRIPT, cdata) + "\n"
