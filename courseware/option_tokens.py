"""Choice options on the learner's page: opaque tokens per attempt (the variant's order of the
options is `grader.answers.choice.shown_options`).

The page never carries an option's authored id (an id such as `derivative` would say which option
is right). Each option is shown under a token derived from the site's secret, the attempt and the
option, so nothing is stored and a token means nothing outside its attempt; the answer is mapped
back to option ids here, on the trusted side, before it is validated and graded.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.crypto import salted_hmac

from grader.results import InvalidAnswer
from grader.spec import PartDef

SALT = "tangent.courseware.option-token"
NOT_SHOWN = (
    "That is not one of the options shown for this variant; reload the page and choose again."
)


def _token(secret: str, attempt_id: int, part: str, option_id: str) -> str:
    value = f"{attempt_id}:{part}:{option_id}"
    return "o" + salted_hmac(SALT, value, secret=secret, algorithm="sha256").hexdigest()[:20]


def option_token(attempt_id: int, part: str, option_id: str) -> str:
    """The token under which the option is shown for this attempt."""
    return _token(settings.SECRET_KEY, attempt_id, part, option_id)


def ids_from_tokens(attempt_id: int, part: PartDef, tokens: list[str]) -> list[str]:
    """The option ids the tokens stand for; InvalidAnswer for a token this attempt did not show.

    A page drawn before the secret key was rotated still answers: the fallback keys are tried too.
    """
    ids = [option["id"] for option in part.config["options"]]
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    by_token = {
        _token(secret, attempt_id, part.name, option_id): option_id
        for secret in secrets
        for option_id in ids
    }
    unknown = [token for token in tokens if token not in by_token]
    if unknown:
        raise InvalidAnswer(NOT_SHOWN, part=part.name)
    return [by_token[token] for token in tokens]
