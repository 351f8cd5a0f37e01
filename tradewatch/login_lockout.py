"""The answer to a sign-in refused for too many failed attempts (django-axes' AXES_LOCKOUT_CALLABLE)."""

import math

from axes.helpers import get_cool_off
from django.contrib import admin
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    """429 with the lockout page, in the reader's language, and ``Retry-After``.

    Every attempt during a lockout restarts the cool-off (axes' default), so the wait is the whole of it.
    """
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds())
    context = {**admin.site.each_context(request), "minutes": math.ceil(seconds / 60)}
    response = render(request, "axes/lockout.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
