from django import template
from django.utils.safestring import mark_safe

from courseware.rendering import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Sanitised Markdown with math (see courseware.rendering)."""
    return mark_safe(render_markdown(str(text)))  # noqa: S308 - render_markdown sanitises
