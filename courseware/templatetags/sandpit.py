"""`{% sandpit_state attempt part as game %}`: a Sandpit round as the exercise page resumes it."""

from typing import Any

from django import template

from courseware.models import Attempt
from courseware.sandpit import game_state
from courseware.variants import definition_of

register = template.Library()


@register.simple_tag
def sandpit_state(attempt: Attempt, part_name: str) -> dict[str, Any]:
    return game_state(attempt, definition_of(attempt).part(part_name))
