"""The learner's profile page: their personal access tokens (make one, see them, revoke one)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from api.personal_tokens import TokenRefused, make_token, revoke_token, tokens_of
from courseware import ratelimits


def profile_page(request, made=None, error: str = "", status: int = 200):
    context = {
        "tokens": tokens_of(request.user),
        "made": made,
        "error": error,
        "site": request.build_absolute_uri("/").rstrip("/"),
    }
    return render(request, "lms/profile.html", context, status=status)


@login_required
@require_GET
def profile(request):
    return profile_page(request)


@login_required
@require_POST
@ratelimits.limited("tokens")
def create_token(request):
    """Make a token and show it, this once."""
    try:
        made = make_token(request.user, request.POST.get("name", ""))
    except TokenRefused as refused:
        return profile_page(request, error=refused.message, status=422)
    return profile_page(request, made=made, status=201)


@login_required
@require_POST
def revoke(request, token_id: int):
    if not revoke_token(request.user, token_id):
        raise Http404("No such token.")
    messages.success(request, "The token is revoked: it no longer works.")
    return redirect("profile")
