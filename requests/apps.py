from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    # The package name shadows the PyPI "requests" library on purpose of the design card;
    # the project never depends on that library (see tests/test_no_requests_dependency.py).
    name = "requests"
    label = "requests"
    verbose_name = _("Informatieverzoeken")
