from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from toolkid import views, views_health
from toolkid.admin_site import restrict_admin_site

restrict_admin_site(admin.site)

# A database that cannot be reached gives a 503 page instead of the 500 (toolkid/views_health.py).
handler500 = "toolkid.views_health.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    # Liveness and readiness for compose and orchestrators: JSON, no login (README "Productie").
    path("gezond/", views_health.liveness, name="health_live"),
    path("gereed/", views_health.readiness, name="health_ready"),
    path("organisatie/kiezen/", views.choose_organisation, name="choose_organisation"),
    path("privacy/", views.privacy, name="privacy"),
    path("toegankelijkheid/", views.accessibility, name="accessibility"),
    path("organisatie/gebruikers/", include("toolkid.members.urls")),
    # Login with the organisation's own account (OpenID Connect): start and callback.
    path("account/inloggen/organisatie/", include("toolkid.oidc.urls")),
    path("account/", include("toolkid.accounts.urls")),
    path("verzoeken/", include("requests.urls")),
    path("toestemming/", include("consent.urls")),
    path("audit/", include("audit.urls")),
    path("meldingen/", include("toolkid.urls_notifications")),  # the notification centre
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("beheer/", admin.site.urls),
    # The REST API for the organisations' own systems (docs/adr/0007; README "Koppelen").
    path("api/v1/", include("toolkid.api.urls")),
    # The read-only FHIR R4 view of the same data, under the same keys and audit (docs/adr/0007 §8).
    path("fhir/", include("toolkid.fhir_urls")),
]
