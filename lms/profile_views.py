"""The learner's profile page: their personal access tokens (make one, see them, revoke one)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from api.keys import NewKey
from api.personal_tokens import TokenRefused, make_token, revoke_token, tokens_of
from courseware import ratelimits
from courseware.access import SignedInRequest


def profile_page(
    request: SignedInRequest, made: NewKey | None = None, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "tokens": tokens_of(request.user),
        "made": made,
        "error": error,
        "site": request.build_absolute_uri("/").rstrip("/"),
    }
    return render(request, "lms/profile.html", context, status=status)


@login_required
@require_GET
def profile(request: SignedInRequest) -> HttpResponse:
    return profile_page(request)


@login_required
@require_POST
@ratelimits.limited("tokens")
def create_token(request: SignedInRequest) -> HttpResponse:
    """Make a token and show it, this once."""
    try:
        made = make_token(request.user, request.POST.get("name", ""))
    except TokenRefused as refused:
        return profile_page(request, error=refused.message, status=422)
    return profile_page(request, made=made, status=201)


@login_required
@require_POST
def revoke(request: SignedInRequest, token_id: int) -> HttpResponse:
    if not revoke_token(request.user, token_id):
        raise Http404("No such token.")
    messages.success(request, "The token is revoked: it no longer works.")
    return redirect("profile")
