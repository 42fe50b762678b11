"""Site-wide pages: the caseworker's home page (``haven.web.home``).

Users without a case role (rapporteur, administrators) have no cases or
deadlines of their own: they keep going to the case list, as before.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from haven.lib.views import request_user
from haven.web import home as home_selectors


@never_cache
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My cases, my deadlines, new referrals and what is overdue: counts and the first rows."""
    user = request_user(request)
    if not home_selectors.has_home(user):
        return redirect("cases:list")
    context = {"home": home_selectors.home_for(user=user), "nav": "home"}
    return render(request, "web/home.html", context)
