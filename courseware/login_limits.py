"""Failed log-ins, held against the account and the address they came from.

A guesser is slowed down, but cannot lock anyone else out:

- one account from one client address (`RATE_LIMITS["login-failures"]`): after that many
  failures the pair is held for `LOGIN_BACKOFF[0]` seconds from the last failure, twice as long
  after each further one, at most `LOGIN_BACKOFF[1]`. Another address is not held, so the owner
  elsewhere still logs in; a log-in or a password reset from the pair forgets its failures;
- one account from every address (`RATE_LIMITS["login-account"]`): past that many failures, every
  address backs off from its first failure instead (it slows a guesser with many addresses; it
  holds no one who has not failed);
- one client address across accounts (`RATE_LIMITS["login"]`): past that many failures the
  address is held with the same back-off, whatever account it names. Only for a client's own
  address: behind a trusted proxy that does not say whom it forwards for, all clients share one.

Failures of a scope are forgotten once it has gone the limit's `seconds` without one. While held,
the password is not checked. The counts live in Redis; without Redis nothing is held.
"""

from __future__ import annotations

import math
import time
import unicodedata
from typing import Any

import redis
from django.conf import settings

from courseware.ratelimits import RateLimited, in_words, is_client
from tangent import redis_client

HELD = "Too many log-in attempts. Try again in {wait}, or reset your password."
LIMITS = {"pair": "login-failures", "account": "login-account", "address": "login"}


def account_key(username: str) -> str:
    """The account a log-in names, as the limits count it: case, width and outer spaces ignored."""
    return unicodedata.normalize("NFKC", username).strip().casefold()[:150]


def hold_after(failures: int, free: int) -> float:
    """Seconds a scope is held after its `failures`-th failure when `free` failures are allowed:
    none before that, then LOGIN_BACKOFF[0], doubling with each failure up to LOGIN_BACKOFF[1]."""
    free = max(free, 1)
    if failures < free:
        return 0
    first, longest = settings.LOGIN_BACKOFF
    wait: float = min(longest, first * 2 ** min(failures - free, 32))
    return wait


def check(username: str, address: str) -> None:
    """RateLimited while log-ins to this account from this address are held."""
    keys = _keys(account_key(username), address)
    try:
        pipe = redis_client.client().pipeline(transaction=False)
        for key in keys.values():
            pipe.hmget(key, "failures", "last")
        records = dict(zip(keys, map(_record, pipe.execute()), strict=True))
    except redis.RedisError:
        return
    free = {name: settings.RATE_LIMITS[LIMITS[name]][0] for name in keys}
    if records["account"][0] >= free["account"]:
        free["pair"] = 1  # the account is being guessed from many addresses
    now = time.time()
    wait = max(
        last + hold_after(failures, free[name]) - now
        for name, (failures, last) in records.items()
        if name != "account"
    )
    if wait > 0:
        raise RateLimited(math.ceil(wait), HELD.format(wait=in_words(wait)))


def failed(username: str, address: str) -> None:
    """Count a failed log-in against the pair, the account and (a client's own) address."""
    now = time.time()
    try:
        pipe = redis_client.client().pipeline()
        for name, key in _keys(account_key(username), address).items():
            pipe.hincrby(key, "failures", 1)
            pipe.hset(key, "last", now)
            pipe.expire(key, settings.RATE_LIMITS[LIMITS[name]][1])
        pipe.execute()
    except redis.RedisError:
        return


def forget(username: str, address: str) -> None:
    """A log-in (or a password reset) from this address: its failures for the account are over."""
    try:
        redis_client.client().delete(_keys(account_key(username), address)["pair"])
    except redis.RedisError:
        return


def _keys(account: str, address: str) -> dict[str, str]:
    """Each scope's Redis key; no address scope for a proxy's address."""
    keys = {"pair": f"{address}|{account}", "account": account}
    if is_client(address):
        keys["address"] = address
    return {name: redis_client.key(f"rate:login:{name}:{key}") for name, key in keys.items()}


def _record(values: list[Any]) -> tuple[int, float]:
    """(failures, time of the last) from a scope's Redis hash."""
    failures, last = values
    return int(failures or 0), float(last or 0)
