"""Installs the product's default instruments (SPAK v1, SPKP v1) and the per-kind service catalogue.

Used by the data migration (with historical models) and by anything that must restore them after a
database flush. Idempotent.
"""
import json
from pathlib import Path

from django.apps import apps as global_apps

DATA = Path(__file__).resolve().parent / "data"
DEFAULT_INSTRUMENT_FILES = ("spak-v1.json", "spkp-v1.json")


def install_defaults(apps=global_apps) -> None:
    Instrument = apps.get_model("surveys", "Instrument")
    InstrumentVersion = apps.get_model("surveys", "InstrumentVersion")
    Indicator = apps.get_model("surveys", "Indicator")
    ServiceCatalogue = apps.get_model("surveys", "ServiceCatalogue")
    for name in DEFAULT_INSTRUMENT_FILES:
        doc = json.loads((DATA / name).read_text(encoding="utf-8"))
        instrument, _ = Instrument.objects.get_or_create(
            code=doc["code"],
            defaults={k: doc[k] for k in ("name", "name_en", "index_code", "index_name", "index_name_en", "position")},
        )
        v = doc["version"]
        if InstrumentVersion.objects.filter(instrument=instrument, number=v["number"]).exists():
            continue
        version = InstrumentVersion.objects.create(
            instrument=instrument,
            number=v["number"],
            status=v["status"],
            scale_min=v["scale"]["min"],
            scale_max=v["scale"]["max"],
            scale_labels=v["scale"]["labels"],
            bands=v["bands"],
            min_seconds_per_item=v["min_seconds_per_item"],
        )
        for position, item in enumerate(v["indicators"], start=1):
            Indicator.objects.create(version=version, position=position, **item)
    for row in json.loads((DATA / "service_catalogue.json").read_text(encoding="utf-8")):
        ServiceCatalogue.objects.get_or_create(
            unit_kind=row["unit_kind"], code=row["code"], defaults={"name": row["name"], "name_en": row["name_en"]}
        )
