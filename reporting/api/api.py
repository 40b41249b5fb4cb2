"""/api/v1/: the read-only JSON API (django-ninja). OpenAPI 3 description at /api/v1/openapi.json.

Anonymous clients read published figures only; a ministry system sends `Authorization: Bearer <token>` and may
also read the open period's running figures within its token's scope. Every list is paginated and carries an
ETag (a hash of the body) and Last-Modified; If-None-Match with the same ETag answers 304 without a body.
Breaking changes go to /api/v2/; within v1 fields are only added.
"""
from __future__ import annotations

import hashlib
import math
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from ninja import NinjaAPI, Query, Schema
from ninja.openapi.schema import OpenAPISchema
from pydantic import BaseModel, Field

from responses.ratelimit import Limit, allow_hit
from surveys.models import Kanwil, Period, Unit, UnitKind

from . import figures
from .tokens import TokenPrincipal, authenticate, hash_key

MAX_PAGE_SIZE = 500


class BearerDescription(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs) -> OpenAPISchema:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {})["securitySchemes"] = {
            "bearer": {"type": "http", "scheme": "bearer",
                       "description": "An API token issued by Pusat (optional: anonymous access reads published "
                                      "figures)."}}
        return schema


api = BearerDescription(
    title="SPAK/SPKP open data API", version="1.0.0", urls_namespace="api_v1", docs_url=None,
    openapi_url="/openapi.json",
    description="Published IPAK/IPKP figures (aggregates only, never responses or free text). Licence: CC BY 4.0.",
)


# ---------------------------------------------------------------------------- schemas
class Problem(Schema):
    detail: str


class PageMeta(BaseModel):
    count: int
    page: int
    page_size: int
    pages: int


class KanwilOut(BaseModel):
    code: str
    name: str
    kind: str = Field(description="pas (Pemasyarakatan) or imigrasi")
    province: str


class UnitOut(BaseModel):
    code: str
    name: str
    kind: str = Field(description="lapas, rutan, lpka, bapas, rupbasan, lpp, kanim or rudenim")
    kanwil_code: str
    active: bool


class PeriodOut(BaseModel):
    id: int
    name: str
    kind: str
    starts_on: str
    ends_on: str
    status: str = Field(description="scheduled, open or closed; figures are published once closed")


class IndicatorOut(BaseModel):
    code: str
    nrr: str | None = Field(description="mean score of the indicator, 2 decimals; null when suppressed")


class FigureOut(BaseModel):
    period_id: int
    period_name: str
    period_status: str
    level: str = Field(description="unit, kanwil or nation")
    kanwil_code: str | None
    kanwil_name: str | None
    unit_code: str | None
    unit_name: str | None
    unit_kind: str | None
    instrument: str = Field(description="SPAK or SPKP")
    index: str = Field(description="IPAK or IPKP")
    index_name: str
    version: int
    scale_min: int
    scale_max: int
    final: bool = Field(description="true: the frozen figure of a closed period; false: running (token only)")
    state: str = Field(description="published, small_sample (published, fewer than 30) or suppressed "
                                   "(fewer than 10 counted responses: no NRR, IK or category)")
    nrr: str | None
    ik: str | None = Field(description="index on 25-100 (IK = NRR on 1-4 x 25), 2 decimals")
    category: str | None = Field(description="A, B, C or D")
    margin_of_error: str | None = Field(description="when the snapshot carries one")
    indicators: list[IndicatorOut]
    n_counted: int
    n_flagged: int
    n_rejected: int
    target: int | None
    below_target: bool
    participation_percent: str | None = Field(description="n_counted / target x 100, 2 decimals")
    unit_average_nrr: str | None = Field(description="Kanwil and nation: unweighted mean of published UPTs")
    unit_average_ik: str | None
    unit_average_units: int
    revision: int
    computed_at: datetime


class KanwilPage(PageMeta):
    results: list[KanwilOut]


class UnitPage(PageMeta):
    results: list[UnitOut]


class PeriodPage(PageMeta):
    results: list[PeriodOut]


class FigurePage(PageMeta):
    results: list[FigureOut]


class Paging(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(100, ge=1, le=MAX_PAGE_SIZE)


class FigureFilters(Paging):
    period: int | None = Field(None, description="period id")
    kanwil: str | None = Field(None, description="Kanwil code: its pooled figure and its UPTs")
    unit_kind: UnitKind | None = Field(None, description="UPT kind (UPT figures only)")
    level: str | None = Field(None, pattern="^(unit|kanwil|nation)$")


class ValidationProblem(Schema):
    detail: list[dict]


ERRORS = {304: None, 401: Problem, 422: ValidationProblem, 429: Problem}


# ---------------------------------------------------------------------------- access and caching
class Refused(Exception):
    def __init__(self, status: int, detail: str):
        self.status, self.detail = status, detail


@api.exception_handler(Refused)
def _refused(request, exc: Refused):
    return api.create_response(request, {"detail": exc.detail}, status=exc.status)


def _address(request: HttpRequest) -> str:
    """A hash of the client address: the counters never hold the raw IP."""
    return hash_key(settings.SECRET_KEY + (request.META.get("REMOTE_ADDR") or ""))[:32]


def _principal(request: HttpRequest) -> TokenPrincipal | None:
    """The token's principal, None for an anonymous client; 401 for a wrong or revoked token; 429 over limits."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, raw = header.partition(" ")
        token = authenticate(raw) if scheme.lower() == "bearer" and raw.strip() else None
        if token is None:
            raise Refused(401, "Invalid or revoked token.")
        if not allow_hit(Limit.parse(settings.API_RATE_LIMIT_TOKEN), "api-token", str(token.pk)):
            raise Refused(429, "Too many requests for this token.")
        return TokenPrincipal(token)
    if not allow_hit(Limit.parse(settings.API_RATE_LIMIT_ADDRESS), "api-addr", _address(request)):
        raise Refused(429, "Too many requests from this address.")
    return None


def _page(items: list, paging: Paging) -> dict:
    count = len(items)
    start = (paging.page - 1) * paging.page_size
    return {"count": count, "page": paging.page, "page_size": paging.page_size,
            "pages": max(math.ceil(count / paging.page_size), 1),
            "results": items[start:start + paging.page_size]}


def _respond(request: HttpRequest, model: type[BaseModel], data: dict,
             modified: datetime | None = None) -> HttpResponse:
    body = model.model_validate(data).model_dump_json().encode()
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    headers = {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Authorization"}
    if modified is not None:
        headers["Last-Modified"] = http_date(modified.timestamp())
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        if etag in [t.strip() for t in if_none_match.split(",")]:
            return HttpResponse(status=304, headers=headers)
    elif modified is not None and (since := parse_http_date_safe(request.headers.get("If-Modified-Since", ""))):
        if int(modified.timestamp()) <= since:
            return HttpResponse(status=304, headers=headers)
    return HttpResponse(body, content_type="application/json", headers=headers)


# ---------------------------------------------------------------------------- endpoints
@api.get("/kanwil", response={200: KanwilPage, **ERRORS}, tags=["organisation"])
def kanwil_list(request, paging: Query[Paging]):
    """Every Kanwil: code, name, kind and province."""
    _principal(request)
    rows = list(Kanwil.objects.order_by("code").values("code", "name", "kind", "province"))
    return _respond(request, KanwilPage, _page(rows, paging))


@api.get("/upt", response={200: UnitPage, **ERRORS}, tags=["organisation"])
def unit_list(request, paging: Query[Paging], kanwil: str | None = None, unit_kind: UnitKind | None = None):
    """Every UPT: code, name, kind, its Kanwil's code; filter by Kanwil code and UPT kind."""
    _principal(request)
    units = Unit.objects.order_by("code")
    if kanwil:
        units = units.filter(kanwil__code=kanwil)
    if unit_kind:
        units = units.filter(kind=unit_kind)
    rows = [{"code": c, "name": n, "kind": k, "kanwil_code": kc, "active": a}
            for c, n, k, kc, a in units.values_list("code", "name", "kind", "kanwil__code", "active")]
    return _respond(request, UnitPage, _page(rows, paging))


@api.get("/periods", response={200: PeriodPage, **ERRORS}, tags=["periods"])
def period_list(request, paging: Query[Paging]):
    """Survey periods, newest first."""
    _principal(request)
    rows = [{"id": p.pk, "name": p.name, "kind": p.kind, "starts_on": p.starts_on.isoformat(),
             "ends_on": p.ends_on.isoformat(), "status": p.status}
            for p in Period.objects.order_by("-starts_on", "-pk")]
    return _respond(request, PeriodPage, _page(rows, paging))


def _filters(query: FigureFilters) -> figures.Filters:
    return figures.Filters(period_id=query.period, kanwil_code=query.kanwil or "",
                           unit_kind=query.unit_kind or "", level=query.level or "")


@api.get("/figures", response={200: FigurePage, **ERRORS}, tags=["figures"])
def published_figures(request, query: Query[FigureFilters]):
    """Final figures of closed periods, with the public results' rule: below 10 counted responses a figure is
    suppressed (state "suppressed", no NRR, IK, category or indicator means)."""
    _principal(request)
    rows = figures.published_rows(_filters(query))
    return _respond(request, FigurePage, _page(rows, query), figures.last_modified(rows))


@api.get("/figures/running", response={200: FigurePage, **ERRORS}, tags=["figures"],
         openapi_extra={"security": [{"bearer": []}]})
def running_figures(request, query: Query[FigureFilters]):
    """Token only: the open period's current figures within the token's scope (same suppression rule)."""
    principal = _principal(request)
    if principal is None:
        raise Refused(401, "A token is needed for running figures.")
    rows = figures.running_rows(principal, _filters(query))
    return _respond(request, FigurePage, _page(rows, query), figures.last_modified(rows))
