"""``/api/v1/``: no trailing slashes (Logius /core/no-trailing-slash), except the schema's
``/api/v1/schema/`` that the issue names. The domain apps' resources are included by string, so
the kernel imports none of them (import contract "kernel")."""

from django.urls import include, path

from toolkid.api import notifications, views

app_name = "api"

urlpatterns = [
    path("ik", views.Me.as_view(), name="me"),
    path("schema/", views.Schema.as_view(), name="schema"),
    path("openapi.json", views.Schema.as_view(), {"format": "json"}, name="openapi-json"),
    path("docs/", views.SwaggerDocs.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", views.RedocDocs.as_view(url_name="api:schema"), name="redoc"),
    path("meldingen", notifications.Notifications.as_view(), name="meldingen"),
    path("", include("requests.api.urls")),
    path("", include("consent.api_urls")),
    path("", include("requests.api.write_urls")),
]
