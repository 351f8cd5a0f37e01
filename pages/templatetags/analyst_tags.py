from django import template

from pages.coming_up import next_few

register = template.Library()


@register.simple_tag
def coming_up_next():
    """``{% coming_up_next as entries %}``: the next three scheduled entries across every dispute (one query)."""
    return next_few()


@register.simple_tag(takes_context=True)
def section_page_query(context, section, number) -> str:
    """The current query string with ``<section>_page`` set to ``number`` (``?q=canola&events_page=2``)."""
    params = context["request"].GET.copy()
    params[section.page_parameter] = number
    return "?" + params.urlencode()
