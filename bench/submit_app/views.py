"""The baseline: the least a Django view can do to store a response, through the same middleware."""
import os
import uuid

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from responses.models import Response

# "period,unit,access_point,service" ids, chosen by the runner before gunicorn starts.
PERIOD, UNIT, ACCESS_POINT, SERVICE = (int(x) for x in os.environ.get("BENCH_BARE_IDS", "0,0,0,0").split(","))


@csrf_exempt
def bare_insert(request):
    Response.objects.create(
        idempotency_key=uuid.uuid4(), period_id=PERIOD, unit_id=UNIT, access_point_id=ACCESS_POINT,
        service_id=SERVICE, channel="qr",
    )
    return HttpResponse(status=204)
