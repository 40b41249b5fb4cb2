"""The open-data API (/api/v1/) and downloads: the public rule, token scope, caching, the OpenAPI contract.

Figures are test_public_results' hand-worked example (a closed 1–6 SPKP period): Lapas Semarang 12 counted
(NRR 4.50, IK 77.50, B, target 132 (Krejcie–Morgan of N = 200)
→ participation 9.09 %), Rutan Surakarta 4 counted (NRR 2.00, IK 40.00:
suppressed), Kanwil Jateng pooled NRR 3.88, IK 68.13 with the mean of published UPTs 4.50 / 77.50, target 264.
A later open period has 12 responses at Lapas Semarang (5 and 5 → NRR 5.00) and 11 at Lapas Yogyakarta (DIY;
3 and 3 → NRR 3.00): running figures, for tokens only.
"""
import csv
import io
import json
from datetime import date

import jsonschema
import pytest
from auditlog.models import LogEntry
from referencing import Registry, Resource

from reporting.api.models import ApiToken
from reporting.api.tokens import create_token, hash_key, revoke_token
from reporting.snapshots import recompute_period
from responses import ratelimit
from responses.models import Response
from surveys.models import Period, Role
from tests.factories import make_period
from tests.reporting.test_public_results import published, respond  # noqa: F401 - the closed period's fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters(settings):
    settings.FORM_RATE_LIMIT_STORAGE_URL = "memory://"
    ratelimit.reset()
    yield
    ratelimit.reset()


@pytest.fixture
def running(org, published):  # noqa: F811
    version = published.instrument_versions.get()
    period = make_period(name="Triwulan I 2027", starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 31),
                         versions=[version])
    for _ in range(12):
        respond(period, org.semarang, version, [5, 5])
    for _ in range(11):
        respond(period, org.yogyakarta, version, [3, 3])
    recompute_period(period.pk)
    return period


def token_for(org, role, **scope) -> str:
    return create_token(name=f"sistem {role}", role=role, acting_user=org.pusat, **scope)[1]


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def by_scope(rows):
    return {(r["level"], r["unit_code"] or r["kanwil_code"]): r for r in rows}


# ------------------------------------------------------------------ anonymous: published only, never suppressed
def test_anonymous_clients_read_final_figures_with_the_public_rule(org, running, client):
    rows = results(client.get("/api/v1/figures"))
    assert rows and all(r["final"] and r["period_status"] == "closed" for r in rows)
    assert {r["period_name"] for r in rows} == {"Triwulan IV 2026"}
    figures = by_scope(rows)
    semarang = figures[("unit", "lapas-semarang")]
    assert (semarang["state"], semarang["nrr"], semarang["ik"], semarang["category"]) == (
        "small_sample", "4.50", "77.50", "B")
    assert (semarang["n_counted"], semarang["n_flagged"], semarang["n_rejected"]) == (12, 1, 1)
    assert (semarang["target"], semarang["below_target"], semarang["participation_percent"]) == (132, True, "9.09")
    assert [i["nrr"] for i in semarang["indicators"]] == ["5.00", "4.00"]
    assert (semarang["version"], semarang["scale_min"], semarang["scale_max"]) == (2, 1, 6)
    assert semarang["margin_of_error"] is None or isinstance(semarang["margin_of_error"], str)
    surakarta = figures[("unit", "rutan-surakarta")]
    assert surakarta["state"] == "suppressed" and surakarta["n_counted"] == 4
    assert surakarta["nrr"] is surakarta["ik"] is surakarta["category"] is surakarta["margin_of_error"] is None
    assert all(i["nrr"] is None for i in surakarta["indicators"])
    jateng = figures[("kanwil", "jateng-pas")]
    assert (jateng["nrr"], jateng["ik"], jateng["category"], jateng["target"]) == ("3.88", "68.13", "C", 264)
    assert (jateng["unit_average_nrr"], jateng["unit_average_ik"], jateng["unit_average_units"]) == (
        "4.50", "77.50", 1)


def test_the_withheld_figure_appears_nowhere_in_an_anonymous_answer(org, running, client):
    body = client.get("/api/v1/figures?page_size=500").content.decode()
    assert '"2.00"' not in body and '"40.00"' not in body and '"3.25"' not in body


def test_running_figures_need_a_token(org, running, client):
    response = client.get("/api/v1/figures/running")
    assert response.status_code == 401 and response.json() == {"detail": "A token is needed for running figures."}


# ------------------------------------------------------------------ tokens
def test_a_kanwil_token_sees_its_regions_running_figures_and_not_another_regions(org, running, client):
    rows = results(client.get("/api/v1/figures/running", **bearer(token_for(org, Role.KANWIL, kanwil=org.jateng))))
    assert rows and all(not r["final"] and r["period_name"] == "Triwulan I 2027" for r in rows)
    assert {r["kanwil_code"] for r in rows} == {"jateng-pas"}
    figures = by_scope(rows)
    assert figures[("unit", "lapas-semarang")]["nrr"] == "5.00" and ("unit", "lapas-yogyakarta") not in figures
    assert ("nation", None) not in figures
    diy = results(client.get("/api/v1/figures/running", **bearer(token_for(org, Role.KANWIL, kanwil=org.diy))))
    assert by_scope(diy)[("unit", "lapas-yogyakarta")]["nrr"] == "3.00"
    assert {r["kanwil_code"] for r in diy} == {"diy-pas"}


def test_a_pusat_token_reads_every_region_and_a_unit_token_its_unit(org, running, client):
    everything = by_scope(results(client.get("/api/v1/figures/running", **bearer(token_for(org, Role.PUSAT)))))
    assert {("unit", "lapas-semarang"), ("unit", "lapas-yogyakarta"), ("nation", None)} <= set(everything)
    unit = results(client.get("/api/v1/figures/running", **bearer(token_for(org, Role.UPT, unit=org.yogyakarta))))
    assert {(r["level"], r["unit_code"]) for r in unit} == {("unit", "lapas-yogyakarta")}


def test_a_revoked_or_unknown_token_gets_401(org, running, client):
    token, raw = create_token(name="evaluasi", role=Role.PUSAT, acting_user=org.pusat)
    assert client.get("/api/v1/figures/running", **bearer(raw)).status_code == 200
    revoke_token(token=token, acting_user=org.pusat)
    for path in ("/api/v1/figures/running", "/api/v1/figures", "/api/v1/kanwil"):
        response = client.get(path, **bearer(raw))
        assert response.status_code == 401 and response.json() == {"detail": "Invalid or revoked token."}
    assert client.get("/api/v1/figures", **bearer("spak_not-a-token")).status_code == 401


def test_only_the_hash_of_a_token_is_stored_and_its_use_is_recorded(org, running, client):
    token, raw = create_token(name="dasbor pusat", role=Role.PUSAT, acting_user=org.pusat)
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_key(raw) and raw not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert stored.last_used_at is None
    client.get("/api/v1/periods", **bearer(raw))
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    entry = LogEntry.objects.get_for_object(stored).get()
    assert entry.actor == org.pusat and "key_hash" not in entry.changes_dict


# ------------------------------------------------------------------ filters, pagination, caching, limits
def test_filters_by_period_kanwil_unit_kind_and_level(org, running, client):
    closed = Period.objects.get(name="Triwulan IV 2026")
    assert results(client.get(f"/api/v1/figures?period={running.pk}")) == []
    assert results(client.get(f"/api/v1/figures?period={closed.pk}"))
    diy = results(client.get("/api/v1/figures?kanwil=diy-pas"))
    assert diy == [] or {r["kanwil_code"] for r in diy} == {"diy-pas"}
    rutan = results(client.get("/api/v1/figures?unit_kind=rutan"))
    assert {r["unit_code"] for r in rutan} == {"rutan-surakarta"}
    assert {r["level"] for r in results(client.get("/api/v1/figures?level=kanwil"))} == {"kanwil"}
    units = results(client.get("/api/v1/upt?kanwil=jateng-pas"))
    assert [u["code"] for u in units] == sorted(["lapas-semarang", "rutan-surakarta"])
    assert {k["code"] for k in results(client.get("/api/v1/kanwil"))} == {"jateng-pas", "diy-pas"}
    assert client.get("/api/v1/figures?unit_kind=kantor").status_code == 422


def test_pagination(org, running, client):
    everything = client.get("/api/v1/figures").json()
    first = client.get("/api/v1/figures?page_size=1").json()
    second = client.get("/api/v1/figures?page_size=1&page=2").json()
    assert first["count"] == everything["count"] == first["pages"] >= 2
    assert [first["results"][0], second["results"][0]] == everything["results"][:2]


def test_an_unchanged_resource_answers_304_to_its_etag(org, running, client):
    first = client.get("/api/v1/figures")
    assert first["ETag"] and first["Last-Modified"]
    again = client.get("/api/v1/figures", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    assert client.get("/api/v1/figures?level=unit", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    assert client.get("/api/v1/figures", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get("/api/v1/figures", HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2024 00:00:00 GMT").status_code == 200


def test_no_answer_or_free_text_leaves_through_the_api(org, running, client):
    version = running.instrument_versions.get()
    respond(running, org.semarang, version, [5, 5])
    Response.objects.filter(period=running).update(suggestion="Petugas loket 3 kasar sekali")
    recompute_period(running.pk)
    token = token_for(org, Role.PUSAT)
    bodies = [client.get(path, **bearer(token)).content.decode() for path in (
        "/api/v1/figures/running", "/api/v1/figures", "/api/v1/upt", "/api/v1/kanwil", "/api/v1/periods")]
    assert not any("kasar" in body or "suggestion" in body or "score_1" in body for body in bodies)


def test_requests_are_limited_per_address_and_per_token(org, running, client, settings):
    settings.API_RATE_LIMIT_ADDRESS, settings.API_RATE_LIMIT_TOKEN = "2/60", "3/60"
    assert [client.get("/api/v1/kanwil").status_code for _ in range(3)] == [200, 200, 429]
    raw = token_for(org, Role.PUSAT)
    assert [client.get("/api/v1/kanwil", **bearer(raw)).status_code for _ in range(4)] == [200, 200, 200, 429]


# ------------------------------------------------------------------ the OpenAPI contract
def test_every_response_validates_against_the_openapi_description(org, running, client, settings):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.") and "bearer" in spec["components"]["securitySchemes"]
    registry = Registry().with_resource("spec", Resource.from_contents(
        {**spec, "$schema": "https://json-schema.org/draft/2020-12/schema"}))
    kanwil_token = token_for(org, Role.KANWIL, kanwil=org.jateng)
    revoked, revoked_raw = create_token(name="lama", role=Role.PUSAT, acting_user=org.pusat)
    revoke_token(token=revoked, acting_user=org.pusat)
    calls = [(path, {}) for path in ("/api/v1/kanwil", "/api/v1/upt", "/api/v1/upt?unit_kind=lapas",
                                     "/api/v1/periods", "/api/v1/figures", "/api/v1/figures?level=unit&page=2",
                                     "/api/v1/figures/running", "/api/v1/figures?unit_kind=nope")]
    calls += [(path, bearer(kanwil_token)) for path in ("/api/v1/figures/running", "/api/v1/figures")]
    calls += [("/api/v1/figures", bearer(revoked_raw))]
    seen = set()
    for path, headers in calls:
        response = client.get(path, **headers)
        seen.add(response.status_code)
        template = path.split("?")[0]
        operation = spec["paths"][template]["get"]
        described = operation["responses"][str(response.status_code)]
        schema = described["content"]["application/json"]["schema"]
        validator = jsonschema.Draft202012Validator({"$ref": "spec" + schema["$ref"][0:]} if "$ref" in schema
                                                    else schema, registry=registry)
        validator.validate(response.json())
    settings.API_RATE_LIMIT_ADDRESS = "1/60"
    ratelimit.reset()
    client.get("/api/v1/periods")
    limited = client.get("/api/v1/periods")
    schema = spec["paths"]["/api/v1/periods"]["get"]["responses"]["429"]["content"]["application/json"]["schema"]
    jsonschema.Draft202012Validator({"$ref": "spec" + schema["$ref"]}, registry=registry).validate(limited.json())
    assert seen == {200, 401, 422}


# ------------------------------------------------------------------ open-data downloads
def test_csv_and_json_downloads_match_the_public_page(org, published, client):  # noqa: F811
    html = client.get("/hasil/jateng-pas/").content.decode()
    assert f'href="/hasil/data/{published.pk}.csv?kanwil=jateng-pas"' in html and "CC BY 4.0" in html
    assert 'data-figure="nrr">3,88<' in html
    response = client.get(f"/hasil/data/{published.pk}.csv?kanwil=jateng-pas")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = {(r["level"], r["unit_code"] or r["kanwil_code"]): r
            for r in csv.DictReader(io.StringIO(response.content.decode("utf-8")))}
    assert set(rows) == {("kanwil", "jateng-pas"), ("unit", "lapas-semarang"), ("unit", "rutan-surakarta")}
    semarang = rows[("unit", "lapas-semarang")]
    assert (semarang["nrr"], semarang["ik"], semarang["category"], semarang["state"]) == ("4.50", "77.50", "B",
                                                                                          "small_sample")
    assert semarang["indicator_nrr"] == "SPKP1=5.00;SPKP2=4.00" and semarang["below_target"] == "true"
    surakarta = rows[("unit", "rutan-surakarta")]
    assert (surakarta["state"], surakarta["nrr"], surakarta["ik"], surakarta["indicator_nrr"]) == (
        "suppressed", "", "", "")
    assert (rows[("kanwil", "jateng-pas")]["nrr"], rows[("kanwil", "jateng-pas")]["unit_average_ik"]) == (
        "3.88", "77.50")
    data = client.get(f"/hasil/data/{published.pk}.json").json()
    assert data["licence"]["name"] == "CC-BY-4.0"
    assert {(f["level"], f["unit_code"]): f["ik"] for f in data["figures"] if f["level"] == "unit"} == {
        ("unit", "lapas-semarang"): "77.50", ("unit", "rutan-surakarta"): None}
    assert "40.00" not in response.content.decode() and "40.00" not in json.dumps(data)


def test_the_table_schema_describes_every_csv_column(org, published, client):  # noqa: F811
    header = next(csv.reader(io.StringIO(client.get(f"/hasil/data/{published.pk}.csv").content.decode())))
    schema = client.get("/hasil/data/tableschema.json").json()
    assert [f["name"] for f in schema["fields"]] == header
    assert all(f["description"] and f["type"] for f in schema["fields"])
    package = client.get("/hasil/data/datapackage.json").json()
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["resources"][0]["path"] == f"/hasil/data/{published.pk}.csv"


def test_the_open_data_section_reads_in_english(org, published, client):  # noqa: F811
    html = client.get("/hasil/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Open data" in html and "Table schema (columns)" in html
    assert f'href="/hasil/data/{published.pk}.json"' in html


def test_an_open_period_has_no_download(org, running, client):
    assert client.get(f"/hasil/data/{running.pk}.csv").status_code == 404


# ------------------------------------------------------------------ the staff page
def test_pusat_issues_a_token_shown_once_and_revokes_it(org, client, login):
    login(org.pusat)
    response = client.post("/staf/api/token/", {"name": "Dasbor evaluasi", "role": "kanwil",
                                                "kanwil": org.jateng.pk})
    html = response.content.decode()
    token = ApiToken.objects.get()
    secret = html.split('<code id="new-token">')[1].split("</code>")[0]
    assert token.key_hash == hash_key(secret) and token.kanwil == org.jateng
    listing = client.get("/staf/api/token/").content.decode()
    assert secret not in listing and token.prefix in listing and "belum pernah" in listing
    client.get("/api/v1/kanwil", **bearer(secret))
    assert "belum pernah" not in client.get("/staf/api/token/").content.decode()
    assert client.post(f"/staf/api/token/{token.pk}/cabut/").status_code == 302
    assert ApiToken.objects.get().revoked_at is not None
    assert client.get("/api/v1/kanwil", **bearer(secret)).status_code == 401
    entries = LogEntry.objects.get_for_object(token).order_by("timestamp")
    assert [e.actor for e in entries] == [org.pusat, org.pusat] and "revoked_at" in entries.last().changes_dict
    assert "dicabut" in client.get("/staf/api/token/").content.decode()


def test_a_kanwil_token_needs_its_kanwil(org, client, login):
    login(org.pusat)
    assert client.post("/staf/api/token/", {"name": "x", "role": "kanwil"}).status_code == 400
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("user", ["kanwil_jateng", "officer_semarang"])
def test_only_pusat_opens_the_token_page(org, client, login, user):
    token, _ = create_token(name="x", role=Role.PUSAT, acting_user=org.pusat)
    login(getattr(org, user))
    assert client.get("/staf/api/token/").status_code == 403
    assert client.post(f"/staf/api/token/{token.pk}/cabut/").status_code == 403
    assert ApiToken.objects.get().revoked_at is None
