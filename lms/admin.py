from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from lti_tool.admin import LtiRegistrationAdmin
from lti_tool.models import LtiRegistration

from lms.frame_origins import platform_origins
from lms.models import (
    ApiKey,
    FrameAncestors,
    GradeLine,
    LtiCourse,
    ScoreSync,
    Webhook,
    WebhookDelivery,
)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    """Keys are made by `create_api_key` or the API (which show the key once); here they can be
    renamed or revoked. Neither the digest nor the callback secret is shown."""

    list_display = [
        "prefix",
        "user",
        "name",
        "course",
        "operator",
        "personal",
        "scopes",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["operator", "personal", "course"]
    fields = [
        "prefix",
        "user",
        "name",
        "course",
        "operator",
        "personal",
        "scopes",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = [
        "prefix",
        "user",
        "course",
        "operator",
        "personal",
        "scopes",
        "created_at",
        "last_used_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


admin.site.unregister(LtiRegistration)


class FrameAncestorsInline(admin.StackedInline[FrameAncestors, LtiRegistration]):
    """The other origins where the platform frames Tangent (the Learning MFE, Studio…)."""

    model = FrameAncestors
    can_delete = False
    max_num = 1


@admin.register(LtiRegistration)
class PlatformRegistrationAdmin(LtiRegistrationAdmin):  # type: ignore[misc]  # lti_tool is untyped
    """A platform (LMS) registration: no static key fields, since Tangent signs with its own
    encrypted, rotated keys; shows the URLs to paste into the platform."""

    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "uuid",
                    "issuer",
                    "client_id",
                    "audience",
                    "auth_url",
                    "token_url",
                    "keyset_url",
                    "is_active",
                    "tool_urls",
                    "allowed_frame_ancestors",
                ]
            },
        )
    ]
    readonly_fields = ["tool_urls", "allowed_frame_ancestors"]
    inlines = [*LtiRegistrationAdmin.inlines, FrameAncestorsInline]

    @admin.display(description="URLs for the platform")
    def tool_urls(self, registration: LtiRegistration) -> str:
        if registration.pk is None:
            return "Save first."
        return format_html(
            "Login: {}<br>Launch (redirect) and deep linking: {}<br>Key set (JWKS): {}",
            reverse("lti:login", args=[registration.uuid]),
            reverse("lti:launch"),
            reverse("jwks"),
        )

    @admin.display(description="May frame Tangent")
    def allowed_frame_ancestors(self, registration: LtiRegistration) -> str:
        if registration.pk is None:
            return "Save first."
        return ", ".join(platform_origins(registration))


@admin.register(LtiCourse)
class LtiCourseAdmin(admin.ModelAdmin[LtiCourse]):
    list_display = ["context", "course"]


@admin.register(GradeLine)
class GradeLineAdmin(admin.ModelAdmin[GradeLine]):
    list_display = ["learner", "course", "exercise", "quiz", "lineitem_url", "last_timestamp"]
    list_filter = ["course"]


@admin.register(ScoreSync)
class ScoreSyncAdmin(admin.ModelAdmin[ScoreSync]):
    list_display = ["line", "score", "state", "tries", "timestamp", "sent_at"]
    list_filter = ["state"]
    readonly_fields = [f.name for f in ScoreSync._meta.fields]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin[Webhook]):
    list_display = ["url", "client", "events", "created_at", "deleted_at"]
    exclude = ["secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    list_display = ["kind", "url", "state", "tries", "response_status", "created_at"]
    list_filter = ["state", "kind"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
