"""Installs the methodology's default SPAK (5 indicators) and SPKP (8 indicators) versions, 1–4 scale,
and the per-kind service catalogue, from the product data in surveys/data/."""
from django.db import migrations


def install(apps, schema_editor):
    from surveys.defaults import install_defaults

    install_defaults(apps)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
