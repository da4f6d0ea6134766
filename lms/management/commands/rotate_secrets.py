"""Re-encrypt every stored secret under the newest TANGENT_ENCRYPTION_KEYS key."""

from typing import Any

from django.core.management.base import BaseCommand
from lti_tool.models import Key

from lms import vault
from lms.models import ApiKey, Webhook


class Command(BaseCommand):
    help = (
        "After prepending a new key to TANGENT_ENCRYPTION_KEYS, re-encrypt tool private keys, "
        "webhook secrets and API keys' callback secrets with it; the old key can then be removed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for model, field in (
            (Key, "private_key"),
            (Webhook, "secret"),
            (ApiKey, "callback_secret"),
        ):
            for record in model.objects.exclude(**{field: ""}):
                setattr(record, field, vault.reencrypt(getattr(record, field)))
                record.save(update_fields=[field])
                count += 1
        self.stdout.write(f"Re-encrypted {count} secret(s).")
