"""Trusted exercise files (tests.py) stored by the SHA-256 of their text."""

from __future__ import annotations

from django.db import models


class TrustedFile(models.Model):
    """One trusted file's text, content-addressed: versions that share a file share its row."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sha256[:12]
