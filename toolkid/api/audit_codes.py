"""The audit codes of the connected systems (docs/adr/0007 §6): keys issued, rotated and
revoked in Platformbeheer, and API calls refused before they reached a resource.

Registered from :meth:`toolkid.apps.ToolkidConfig.ready` (see :mod:`audit.catalogue`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.grounds import Sensitivity
from audit.purposes import Purpose


class ApiAuditCode(models.TextChoices):
    SYSTEM_SAVED = "api.system_saved", _("Gekoppeld systeem vastgelegd")
    KEY_ISSUED = "api.key_issued", _("API-sleutel uitgegeven")
    KEY_ROTATED = "api.key_rotated", _("API-sleutel vervangen")
    KEY_REVOKED = "api.key_revoked", _("API-sleutel ingetrokken")
    # A call whose key, person or scope did not hold: logged without the key itself.
    REFUSED = "api.refused", _("API-aanroep geweigerd")


#: Keys and refusals are access management and security; none concerns a parent.
API_PURPOSES: dict[str, str] = {
    code: Purpose.SECURITY if code == ApiAuditCode.REFUSED else Purpose.ACCESS_MANAGEMENT
    for code in ApiAuditCode.values
}
API_SENSITIVITIES: dict[str, str] = {code: Sensitivity.METADATA for code in ApiAuditCode.values}
