"""Single-use OIDC state and nonce, and launch ids, kept atomically in Redis.

The login step stores the state with the registration and nonce it was issued for (and the digest
of the browser's state cookie); the launch takes it with GETDEL, so a state works once. A nonce is
marked used with SET NX, so an id_token replayed with a fresh state is refused too.

A validated launch is kept under a launch id that the tool's pages carry in their URLs, so several
tabs can hold different launches. How long an id lives (docs/lms-setup.md): a learner's launch
`LTI_LAUNCH_TTL_SECONDS` from the launch; a staff launch `LTI_STAFF_LAUNCH_IDLE_SECONDS` after its
last use and `LTI_STAFF_LAUNCH_MAX_SECONDS` after the launch at most, and its landing page opens
once. Each user's launch ids are listed, so logging out ends them all.
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
import time
from typing import Any

from django.conf import settings
from django.core import signing

from tangent import redis_client

STATE_SECONDS = 300  # longer than any platform's sign-in step; id_tokens are younger anyway
NONCE_SECONDS = 3600
NEW_TAB_SALT = "lms.launch_state.new_tab"


def longest_life() -> int:
    """The longest any launch id can last."""
    return max(settings.LTI_LAUNCH_TTL_SECONDS, settings.LTI_STAFF_LAUNCH_MAX_SECONDS)


# --- OIDC login ----------------------------------------------------------------------------------


def issue(registration_pk: int, browser: str) -> tuple[str, str]:
    """A new (state, nonce) pair for a login to the registration from the browser whose state
    cookie has the digest `browser`."""
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    record = {"registration": registration_pk, "nonce": nonce, "browser": browser}
    redis_client.client().set(
        redis_client.key(f"lti:state:{state}"), json.dumps(record), ex=STATE_SECONDS
    )
    return state, nonce


Record = dict[str, Any]


def take(state: str) -> Record | None:
    """The record a state was issued with, removed so the state never works again."""
    if not state or len(state) > 200:
        return None
    raw = redis_client.client().getdel(redis_client.key(f"lti:state:{state}"))
    return json.loads(raw) if raw else None


def use_nonce(registration_pk: int, nonce: str) -> bool:
    """True the first time a nonce is seen for the registration, False on any replay."""
    key = redis_client.key(f"lti:nonce:{registration_pk}:{nonce}")
    return bool(redis_client.client().set(key, "1", nx=True, ex=NONCE_SECONDS))


# --- launch ids ----------------------------------------------------------------------------------


def _key(launch_id: str) -> str:
    return redis_client.key(f"lti:launch:{launch_id}")


def _bound_key(launch_id: str) -> str:
    return redis_client.key(f"lti:bound:{launch_id}")


def _landed_key(launch_id: str) -> str:
    return redis_client.key(f"lti:landed:{launch_id}")


def _user_key(user_pk: int) -> str:
    return redis_client.key(f"lti:launches-of:{user_pk}")


def _seconds_left(record: Record, now: float) -> float:
    started = float(record.get("started", 0))  # a record with no start time has ended
    if not record.get("staff"):
        return started + settings.LTI_LAUNCH_TTL_SECONDS - now
    idle_end = float(record["used"]) + settings.LTI_STAFF_LAUNCH_IDLE_SECONDS
    return min(idle_end, started + settings.LTI_STAFF_LAUNCH_MAX_SECONDS) - now


def keep(launch: Record, *, staff: bool, binding: str) -> str:
    """Store a validated launch for its user; `binding` is the digest of the browser's binding
    secret. Returns the launch id."""
    launch_id = secrets.token_urlsafe(24)
    now = time.time()
    record = {**launch, "staff": staff, "binding": binding, "started": now, "used": now}
    pipe = redis_client.client().pipeline()
    pipe.set(_key(launch_id), json.dumps(record), ex=math.ceil(_seconds_left(record, now)))
    pipe.sadd(_user_key(launch["user"]), launch_id)
    pipe.expire(_user_key(launch["user"]), longest_life())
    pipe.execute()
    return launch_id


def find(launch_id: str) -> Record | None:
    """The current launch with this id (`bound`: its binding cookie has come back); a staff
    launch's idle time starts again."""
    if not launch_id or len(launch_id) > 64:
        return None
    raw, bound = redis_client.client().mget([_key(launch_id), _bound_key(launch_id)])
    if not raw:
        return None
    record = json.loads(raw)
    now = time.time()
    left = _seconds_left(record, now)
    if left <= 0:
        end(launch_id)
        return None
    if record["staff"]:
        record["used"] = now
        left = _seconds_left(record, now)
        redis_client.client().set(_key(launch_id), json.dumps(record), ex=math.ceil(left), xx=True)
    return {**record, "bound": bound is not None}


def bind(launch_id: str) -> None:
    """Record that the launch's binding cookie came back: from now on the id needs it."""
    redis_client.client().set(_bound_key(launch_id), "1", ex=longest_life())


def land(launch_id: str) -> bool:
    """True the first time a launch's landing page is opened."""
    return bool(redis_client.client().set(_landed_key(launch_id), "1", nx=True, ex=longest_life()))


def forget(launch_id: str) -> bool:
    """End a launch (a deep-linking choice is sent once); False if it had ended already."""
    return redis_client.client().getdel(_key(launch_id)) is not None


def end(*launch_ids: str) -> None:
    keys = [k for i in launch_ids for k in (_key(i), _bound_key(i), _landed_key(i))]
    if keys:
        redis_client.client().delete(*keys)


def end_all(user_pk: int) -> None:
    """End every launch id the user holds (at log-out)."""
    client = redis_client.client()
    ids = [redis_client.text(i) for i in client.smembers(_user_key(user_pk))]
    end(*ids)
    client.delete(_user_key(user_pk))


# --- the "open in a new tab" sign-in link -----------------------------------------------------------


def new_tab_token(launch_id: str) -> str:
    """A sign-in token for the launch's user in a tab of its own: short-lived, single-use."""
    return signing.TimestampSigner(salt=NEW_TAB_SALT).sign(launch_id)


def use_new_tab_token(launch_id: str, token: str) -> bool:
    """True the first time a current token for this launch is used."""
    seconds = settings.LTI_NEW_TAB_LINK_SECONDS
    try:
        signed = signing.TimestampSigner(salt=NEW_TAB_SALT).unsign(token, max_age=seconds)
    except signing.BadSignature:
        return False
    if signed != launch_id:
        return False
    used = redis_client.key(f"lti:new-tab:{hashlib.sha256(token.encode()).hexdigest()}")
    return bool(redis_client.client().set(used, "1", nx=True, ex=seconds + 1))
