"""HTML to PDF with WeasyPrint, reading only this repository's files (fonts, styles): used for posters,
survey tickets and the official reports. UPT networks are closed, and a document must never reach out."""
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders


def static_uri(path: str) -> str:
    """A static file as a file:// address WeasyPrint may read."""
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(path)
    return Path(found).as_uri()


def font_uris() -> dict[str, str]:
    return {"regular": static_uri("vendor/noto-sans-5.3.0/noto-sans-latin-400-normal.woff"),
            "bold": static_uri("vendor/noto-sans-5.3.0/noto-sans-latin-700-normal.woff")}


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"file"}, fail_on_errors=True)
    return HTML(string=html, url_fetcher=fetcher, base_url=str(settings.BASE_DIR)).write_pdf()
