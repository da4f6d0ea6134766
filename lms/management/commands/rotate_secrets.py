"""Re-encrypt every stored secret under the newest TANGENT_ENCRYPTION_KEYS key."""

from django.core.management.base import BaseCommand
from lti_tool.models import Key

from lms import vault


class Command(BaseCommand):
    help = (
        "After prepending a new key to TANGENT_ENCRYPTION_KEYS, re-encrypt stored secrets with it."
    )

    def handle(self, *args, **options):
        count = 0
        for key in Key.objects.all():
            key.private_key = vault.reencrypt(key.private_key)
            key.save(update_fields=["private_key"])
            count += 1
        self.stdout.write(f"Re-encrypted {count} secret(s).")
