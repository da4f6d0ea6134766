"""Where exercise versions keep their trusted files: content-addressed, behind one interface.

An exercise version's spec names its trusted files by digest (`spec["files"]`:
`{"tests.py": "<sha256>"}`); web and worker processes fetch the texts by those digests and never
read the bank's folder, so any host grades any version with exactly the files it was loaded with.
`store()` is the one way in; the database store is the only one today, and an object store
would implement the same two methods.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Protocol


class MissingFiles(LookupError):
    """A version names a file the store does not hold (or holds altered)."""


def digest_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class FileStore(Protocol):
    def put(self, texts: Mapping[str, str]) -> None:
        """Keep each text under its digest (`digest → text`); storing one twice is harmless."""

    def get(self, digests: Iterable[str]) -> dict[str, str]:
        """The texts of `digests` (`digest → text`); MissingFiles when one is absent or altered."""


class DatabaseStore:
    """Trusted files as rows of the shared database (exercises.models.TrustedFile)."""

    def put(self, texts: Mapping[str, str]) -> None:
        from exercises.models import TrustedFile

        for digest, text in texts.items():
            if digest_of(text) != digest:
                raise ValueError(f"text stored under {digest[:12]} does not have that digest")
        TrustedFile.objects.bulk_create(
            [TrustedFile(sha256=digest, text=text) for digest, text in texts.items()],
            ignore_conflicts=True,
        )

    def get(self, digests: Iterable[str]) -> dict[str, str]:
        from exercises.models import TrustedFile

        wanted = set(digests)
        if not wanted:
            return {}
        found = dict(TrustedFile.objects.filter(sha256__in=wanted).values_list("sha256", "text"))
        missing = sorted(d for d in wanted if d not in found or digest_of(found[d]) != d)
        if missing:
            raise MissingFiles(f"trusted files missing or altered: {', '.join(missing)}")
        return found


_STORE = DatabaseStore()


def store() -> FileStore:
    return _STORE
