"""/api/v1/ (the JSON API), the open-data files of /hasil/ and the Pusat page of API tokens."""
from django.urls import path

from . import downloads, staff
from .api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("hasil/data/<int:pk>.csv", downloads.figures_csv, name="open_data_csv"),
    path("hasil/data/<int:pk>.json", downloads.figures_json, name="open_data_json"),
    path("hasil/data/datapackage.json", downloads.schema, name="open_data_schema"),
    path("hasil/data/tableschema.json", downloads.table_schema_view, name="open_data_table_schema"),
    path("staf/api/token/", staff.token_list, name="api_tokens"),
    path("staf/api/token/<int:pk>/cabut/", staff.token_revoke, name="api_token_revoke"),
]
