"""The app's URLs plus the bench's bare floor views (bench/bare.py), selected by bench/settings.py
only: the bare views never exist in the product."""

from django.urls import path

from bench import bare
from toolkid.urls import handler500
from toolkid.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    *app_urlpatterns,
    path("bench/kaal/verzoeken/<slug:side>/", bare.requests_table, name="bench_bare_requests"),
    path("bench/kaal/advies/", bare.advice_table, name="bench_bare_advice"),
    path("bench/kaal/taken/", bare.duties_table, name="bench_bare_duties"),
    path("bench/kaal/audit/", bare.audit_table, name="bench_bare_audit"),
    path("bench/kaal/verzoek/<uuid:public_id>/", bare.request_page, name="bench_bare_request"),
]

__all__ = ["handler500", "urlpatterns"]
