"""Assignment and Grade Services: scores to LMS gradebooks, with client-credentials tokens.

A token is cached in Redis per registration and scope set until shortly before it expires. A
score's timestamp is fixed when the sync is created (later than every earlier one for the same
line) and re-sent unchanged on retries, so a platform never sees time run backwards.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import jwt
import requests
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from lti_tool.models import LtiRegistration

from courseware.models import Assessment, OutboxEvent
from grader.results import has_full_marks
from lms import outbound, tool_keys
from lms.delivery import FAILED, RETRY, SENT, Outcome
from lms.models import GradeLine, ScoreSync

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCORE_MAXIMUM = 100
SCORE_MEDIA_TYPE = "application/vnd.ims.lis.v1.score+json"


class TokenRefused(Exception):
    """The platform's token endpoint did not issue a token."""


def _token_cache_key(registration: LtiRegistration, scopes: list[str]) -> str:
    digest = hashlib.sha256(" ".join(sorted(scopes)).encode()).hexdigest()[:16]
    return f"lti:token:{registration.pk}:{digest}"


def client_assertion(registration: LtiRegistration) -> str:
    """The signed JWT Tangent presents to the platform's token endpoint (RFC 7523)."""
    key = tool_keys.signing_key()
    now = int(time.time())
    claims = {
        "iss": registration.client_id,
        "sub": registration.client_id,
        "aud": registration.audience or registration.token_url,
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(
        claims,
        tool_keys.private_pem(key),
        algorithm="RS256",
        headers={"kid": tool_keys.kid(key)},
    )


def access_token(registration: LtiRegistration, scopes: list[str], fresh: bool = False) -> str:
    """A bearer token for `scopes`, from the cache unless `fresh`."""
    cache_key = _token_cache_key(registration, scopes)
    if not fresh:
        cached: str | None = cache.get(cache_key)
        if cached:
            return cached
    try:
        response = outbound.send(
            "POST",
            registration.token_url,
            data={
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": client_assertion(registration),
                "scope": " ".join(scopes),
            },
        )
        body = response.json()
    except (requests.RequestException, ValueError) as error:
        raise TokenRefused(f"token endpoint unreachable: {error}") from error
    token = body.get("access_token") if isinstance(body, dict) else None
    if response.status_code != 200 or not isinstance(token, str):
        raise TokenRefused(f"token endpoint answered {response.status_code}")
    lifetime = int(body.get("expires_in") or 3600)
    cache.set(cache_key, token, max(lifetime - 60, 1))
    return token


def scores_url(lineitem_url: str) -> str:
    """The line item's /scores endpoint (before any query string)."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def score_maximum(item: Assessment | None) -> float:
    """What a column's score is out of: an assessment's total points (as they are now), else
    100 (percent)."""
    if isinstance(item, Assessment):
        return sum(entry.points for entry in item.items.all())
    return SCORE_MAXIMUM


def score_body(sync: ScoreSync) -> dict[str, Any]:
    """The AGS score: the 0–1 score out of the column's maximum."""
    maximum = score_maximum(sync.line.assessment)
    return {
        "userId": sync.line.sub,
        "scoreGiven": round(sync.score * maximum, 4),
        "scoreMaximum": maximum,
        "activityProgress": "Completed" if has_full_marks(sync.score) else "Submitted",
        "gradingProgress": "FullyGraded",
        "timestamp": sync.timestamp.isoformat(timespec="milliseconds"),
    }


def record(
    line: GradeLine, event: OutboxEvent, score: float, submission_id: int | None
) -> ScoreSync:
    """A pending sync for `line`, timestamped after every earlier one."""
    with transaction.atomic():
        line = GradeLine.objects.select_for_update().get(pk=line.pk)
        stamp = timezone.now()
        if line.last_timestamp and stamp <= line.last_timestamp:
            stamp = line.last_timestamp + timedelta(milliseconds=1)
        line.last_timestamp = stamp
        line.save(update_fields=["last_timestamp"])
        sync, _ = ScoreSync.objects.get_or_create(
            line=line,
            event=event,
            defaults={"score": score, "timestamp": stamp, "submission_id": submission_id},
        )
    return sync


def post(sync: ScoreSync) -> Outcome:
    """One try at sending the sync's score; 401 gets one retry with a fresh token."""
    registration = sync.line.registration
    body = json.dumps(score_body(sync))
    response = None
    for fresh in (False, True):
        try:
            token = access_token(registration, [SCORE_SCOPE], fresh=fresh)
            response = outbound.send(
                "POST",
                scores_url(sync.line.lineitem_url),
                data=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": SCORE_MEDIA_TYPE},
            )
        except (TokenRefused, requests.RequestException) as error:
            return Outcome(RETRY, str(error))
        except outbound.UnsafeUrl as error:
            return Outcome(FAILED, str(error))
        if response.status_code != 401:
            break
    assert response is not None, "sent at least once"
    status = response.status_code
    if 200 <= status < 300:
        return Outcome(SENT)
    detail = f"platform answered {status}: {response.text[:300]}"
    if status == 429 or status >= 500 or status == 401:
        return Outcome(RETRY, detail, retry_after=_retry_after(response))
    return Outcome(FAILED, detail)


def _retry_after(response: requests.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
