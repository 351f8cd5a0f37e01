import pytest
from django.utils import translation

from core.permalinks import PAGE_PATHS, record_url


@pytest.mark.parametrize("kind", sorted(PAGE_PATHS))
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_record_page_in_a_language_is_the_neutral_page_under_the_language_prefix(kind, language):
    with translation.override(language):
        assert record_url(kind, 7, in_language=True) == f"/{language}" + record_url(kind, 7)
