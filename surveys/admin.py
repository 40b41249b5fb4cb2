"""Django admin for superusers only, with the organisation registered."""
from django.contrib import admin

from .models import (
    AccessPoint,
    Indicator,
    Instrument,
    InstrumentVersion,
    Kanwil,
    Membership,
    Period,
    ServiceCatalogue,
    Target,
    Unit,
    UnitService,
)


def _superuser_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superuser_only


@admin.register(Kanwil)
class KanwilAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "province", "code")
    list_filter = ("kind", "province")
    search_fields = ("name", "code")


class UnitServiceInline(admin.TabularInline):
    model = UnitService
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "unit_class", "kanwil", "active")
    list_filter = ("kanwil", "kind", "active")
    search_fields = ("name", "code")
    inlines = [UnitServiceInline]


@admin.register(ServiceCatalogue)
class ServiceCatalogueAdmin(admin.ModelAdmin):
    list_display = ("name", "unit_kind", "code")
    list_filter = ("unit_kind",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "kanwil", "unit")
    list_filter = ("role", "kanwil")
    autocomplete_fields = ("unit",)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "index_code")


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(admin.ModelAdmin):
    list_display = ("instrument", "number", "status", "scale_min", "scale_max", "frozen")
    inlines = [IndicatorInline]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ("name", "programme", "kind", "starts_on", "ends_on", "status")


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("period", "service", "population", "sample_target", "adjusted_target")


@admin.register(AccessPoint)
class AccessPointAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "kind", "kiosk", "enabled")
    list_filter = ("kind", "enabled")
