"""Tangent's LTI signing keys: show, generate the first, rotate, retire those past their grace."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lms import tool_keys


class Command(BaseCommand):
    help = (
        "Manage the tool's LTI keys. `rotate` makes a new signing key; the old one stays in the "
        "JWKS for TANGENT_LTI_KEY_GRACE_HOURS so platforms that cached it keep working."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["show", "generate", "rotate", "retire"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "generate":
            key = tool_keys.signing_key()
            self.stdout.write(f"Signing key: {tool_keys.kid(key)}")
        elif action == "rotate":
            key = tool_keys.rotate()
            self.stdout.write(f"New signing key: {tool_keys.kid(key)}")
        elif action == "retire":
            self.stdout.write(
                f"Retired {tool_keys.retire_expired()} key(s) past their grace period."
            )
        for key in tool_keys.published():
            self.stdout.write(
                f"published {tool_keys.kid(key)} created {key.datetime_created:%Y-%m-%d %H:%M}"
            )
