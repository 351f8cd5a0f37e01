from django.conf import settings
from django.urls import translate_url


def language_alternates(request):
    """The current page in each language, for hreflang links."""
    return {"language_alternates": [(code, translate_url(request.path, code)) for code, _ in settings.LANGUAGES]}
