"""Public page addresses of records (DESIGN.md section 7). The API's ``html_url`` comes from here."""

PAGE_PATHS = {
    "actor": "/actors/{}/",
    "dispute": "/disputes/{}/",
    "case": "/cases/{}/",
    "event": "/events/{}/",
    "measure": "/measures/{}/",
    "source": "/sources/{}/",
}


def page_path(kind: str, key) -> str:
    return PAGE_PATHS[kind].format(key)
