"""The audit codes the consent app writes (R24, R29; L5): declarations recorded, read,
downloaded and revoked, and the parent looked up to record one for.

Registered from :meth:`consent.apps.ConsentConfig.ready` (see :mod:`audit.catalogue`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.grounds import Ground, Sensitivity
from audit.purposes import Purpose


class ConsentAuditCode(models.TextChoices):
    CREATED = "consent.created", _("Toestemmingsverklaring vastgelegd")
    READ = "consent.read", _("Toestemmingsverklaring ingezien")
    DOCUMENT_DOWNLOADED = "consent.document_downloaded", _("Getekende toestemmingsverklaring gedownload")
    REVOKED = "consent.revoked", _("Toestemming ingetrokken")
    # The parent shown on the form for a new declaration (consent.selectors.parent_for_consent).
    PARENT_READ = "parent.read", _("Gegevens van de ouder ingezien")


#: The youth-care worker records and uses the parent's consent to file a request (R24, R29).
CONSENT_PURPOSES: dict[str, str] = {code: Purpose.FILING for code in ConsentAuditCode.values}

#: A declaration names the parent and what they allow to be shared: personal data.
CONSENT_SENSITIVITIES: dict[str, str] = {code: Sensitivity.PERSONAL for code in ConsentAuditCode.values}

#: Recording, reading and revoking a declaration is done under the parent's consent (R29); the
#: declaration itself is pinned by the consent app's resolver (consent.auditing).
CONSENT_GROUNDS: dict[str, str] = {code: Ground.CONSENT for code in ConsentAuditCode.values}
