"""What the API accepts as input: the request parser and the types request schemas share.

- A body is read only by an operation that takes one, after the key is checked. It must be JSON
  (`application/json` or a `+json` type; anything else is 415) holding a JSON object (anything
  else is 422).
- Every string in the body (keys included) and the query is text: a lone UTF-16 surrogate
  (`"\\ud800"` decodes to one) or a NUL cannot be stored, so it is a 422 naming the field. Path
  segments are typed (`Slug`, `LearnerRef`) and refuse them too.
- Every request schema derives from `Input`, which refuses keys it does not name (422).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from django.http import HttpRequest, JsonResponse
from django.utils.datastructures import MultiValueDict
from ninja import Field, Schema
from ninja.parser import Parser
from pydantic import AfterValidator, ConfigDict
from pydantic_core import PydanticCustomError

from api.learners import MAX_REF
from api.problems import problem
from grader.params import SEED_LIMIT


class InputRefused(Exception):
    """Input the API does not take; `response()` is the problem JSON that says why (naming the
    field, if one is at fault)."""

    def __init__(self, status: int, message: str, field: str = ""):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field

    def response(self) -> JsonResponse:
        if not self.field:
            return problem(self.status, self.message)
        return problem(
            self.status, f"{self.field}: {self.message}.", errors={self.field: [self.message]}
        )


class StrictParser(Parser):
    """The API's parser: JSON object bodies and query strings of text only.

    ninja reports what `parse_body` raises as a 400 caused by it; api/main.py answers with the
    cause's own response.
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if not is_json(request.content_type):
            raise InputRefused(415, "Send the body as JSON, with Content-Type: application/json.")
        try:
            body = json.loads(request.body)
        except (ValueError, RecursionError):
            raise InputRefused(400, "The body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise InputRefused(422, "must be a JSON object", "body")
        refuse_what_is_not_text("body", body)
        return body

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        query = super().parse_querydict(data, list_fields, request)
        refuse_what_is_not_text("query", query)
        return query


def is_json(content_type: str | None) -> bool:
    media = (content_type or "").lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def text_fault(text: str) -> str | None:
    """What makes `text` not storable text, or None."""
    if "\x00" in text:
        return "contains a NUL character"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "contains a lone UTF-16 surrogate, which is not text"
    return None


def refuse_what_is_not_text(place: str, values: dict[str, Any]) -> None:
    """Raise InputRefused (422) naming the first string among `values` that is not text.

    Walked without recursion: JSON nests as deep as the JSON parser allows.
    """
    pending: list[tuple[str, object]] = [("", values)]
    while pending:
        where, item = pending.pop()
        if isinstance(item, str):
            fault = text_fault(item)
            if fault is not None:
                raise InputRefused(422, fault, where or place)
        elif isinstance(item, dict):
            for key, inner in item.items():
                fault = text_fault(key)
                if fault is not None:
                    raise InputRefused(422, f"a key {fault}", where or place)
                pending.append((f"{where}.{key}" if where else key, inner))
        elif isinstance(item, list):
            pending.extend((f"{where}.{index}", inner) for index, inner in enumerate(item))


def _text(value: str) -> str:
    fault = text_fault(value)
    if fault is not None:
        raise PydanticCustomError("text", fault)
    return value


class Input(Schema):
    """A request schema: a key it does not name is refused with a 422 naming the key."""

    model_config = ConfigDict(extra="forbid")


Slug = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[-a-zA-Z0-9_]+$")]
LearnerRef = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_REF,
        description="Your own reference for a learner; `me` (or none) is the key's own user.",
    ),
    AfterValidator(_text),
]
Seed = Annotated[
    int,
    Field(ge=0, lt=SEED_LIMIT, description="A chosen variant: only with `staff` in force."),
]
