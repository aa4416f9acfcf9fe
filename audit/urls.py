from django.urls import path

from audit import parent_views, views

# Included at /audit/ by toolkid/urls.py.
app_name = "audit"

urlpatterns = [
    path("", views.audit_log, name="log"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.pdf", views.export_pdf, name="export_pdf"),
    path("keten-controleren/", views.chain_check, name="chain_check"),
    path("ouder/", parent_views.parent_access, name="parent_access"),
    path("ouder/zoeken/", parent_views.parent_search, name="parent_search"),
    path("ouder/export.pdf", parent_views.parent_access_pdf, name="parent_access_pdf"),
    path(
        "ouder/overzicht-voor-ouder.pdf", parent_views.parent_access_letter_pdf, name="parent_access_letter"
    ),
]
