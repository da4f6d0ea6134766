"""API keys: looked up by a short public prefix, checked with SHA-256, scoped and revocable."""

from django.conf import settings
from django.db import models


class ApiKey(models.Model):
    class Scope(models.TextChoices):
        READ = "read"
        SUBMIT = "submit"
        STAFF = "staff"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(
        max_length=64, help_text="SHA-256 of the whole key; the key itself is never stored."
    )
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    def allows(self, scope: str) -> bool:
        return scope in self.scopes or self.Scope.STAFF in self.scopes
