"""The API answers in the language asked: ``?lang=fr`` (checked against the languages we publish), else the
``Accept-Language`` header (Django's LocaleMiddleware), else English. Record texts follow it (``core.i18n``)."""

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter

API_PREFIX = "/api/"
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]

LANG_PARAMETER = OpenApiParameter(
    "lang",
    str,
    enum=LANGUAGE_CODES,
    required=False,
    description="The language of the answer's texts (titles, summaries, labels): `en` (the default) or `fr`. "
    "Without it, the `Accept-Language` header decides. A French text not yet written falls back to English.",
)


class QueryLanguageMiddleware:
    """``?lang=`` on an API address picks the language of the answer; an unknown one is a 400 naming ``lang``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.GET.get("lang") if request.path.startswith(API_PREFIX) else None
        if language is None:
            return self.get_response(request)
        if language not in LANGUAGE_CODES:
            detail = f"Unknown language; use one of: {', '.join(LANGUAGE_CODES)}."
            error = {"code": "invalid_choice", "detail": detail, "attr": "lang"}
            return JsonResponse({"type": "validation_error", "errors": [error]}, status=400)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return self.get_response(request)
