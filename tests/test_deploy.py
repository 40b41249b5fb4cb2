"""The production stack: the compose file's proxy is the only published service; response headers with DEBUG off."""
from pathlib import Path

import pytest
import yaml

from surveys.models import Role

from .factories import make_user

ROOT = Path(__file__).resolve().parent.parent


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_proxy_is_the_only_published_service_and_gunicorn_is_not():
    services = compose()["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert "ports" not in services["web"] and services["web"]["expose"] == ["8000"]
    assert {p.split(":")[0] for p in services["proxy"]["ports"]} == {"80", "443"}
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]


def test_every_service_is_well_formed():
    data = compose()
    for name, service in data["services"].items():
        assert "image" in service or "build" in service, name
        for dependency in service.get("depends_on", {}):
            assert dependency in data["services"], (name, dependency)
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            assert source.startswith("./") or source in data["volumes"], (name, volume)
    assert (ROOT / "deploy" / "Caddyfile").exists()


def test_caddyfile_sets_the_forwarded_proto_itself_and_caps_bodies():
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "header_up X-Forwarded-Proto {scheme}" in caddyfile
    assert "reverse_proxy web:8000" in caddyfile
    assert "max_size 6MB" in caddyfile and "max_size 256KB" in caddyfile
    assert "encode zstd gzip" in caddyfile and "Permissions-Policy" in caddyfile


@pytest.mark.django_db
def test_security_headers_with_debug_off(client, settings, org, login):
    settings.DEBUG = False
    public = client.get("/akun/masuk/")
    assert public["Permissions-Policy"].startswith("camera=()")
    assert public["X-Frame-Options"] == "DENY" and public["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in public
    login(make_user("staf.header", role=Role.KANWIL, kanwil=org.jateng))
    page = client.get("/staf/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert page["Permissions-Policy"].startswith("camera=()")


def test_https_redirect_and_hsts_with_debug_off(client, settings, db):
    settings.DEBUG, settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS = False, True, 31536000
    assert client.get("/akun/masuk/")["Location"].startswith("https://")
    secure = client.get("/akun/masuk/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
    behind_proxy = client.get("/akun/masuk/", HTTP_X_FORWARDED_PROTO="https")
    assert behind_proxy.status_code == 200
