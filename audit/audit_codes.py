"""The audit codes the audit app writes about itself: reads and downloads of the audit log,
the chain check and the retention run (L5: looking at the log is an access too).

Registered from :meth:`audit.apps.AuditConfig.ready` (see :mod:`audit.catalogue`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .grounds import Ground, Sensitivity
from .purposes import Purpose


class AuditLogCode(models.TextChoices):
    # The Audit page and its downloads (audit.views).
    SEARCHED = "audit.searched", _("Auditlog doorzocht")
    CSV_EXPORTED = "audit.csv_exported", _("Auditlog gedownload als CSV")
    PDF_EXPORTED = "audit.pdf_exported", _("Auditlog gedownload als PDF")
    CHAIN_VERIFIED = "audit.chain_verified", _("Hashketen van de auditlog gecontroleerd")
    # "Wie heeft gegevens van deze ouder ingezien?" (the parent's right of access, R41).
    PARENT_SEARCHED = "audit.parent_searched", _("Ouder opgezocht voor het inzageoverzicht")
    PARENT_REPORT_VIEWED = "audit.parent_report_viewed", _("Inzageoverzicht van een ouder bekeken")
    PARENT_REPORT_EXPORTED = "audit.parent_report_exported", _(
        "Inzageoverzicht van een ouder gedownload als PDF"
    )
    # The overview handed to the parent (AVG art. 15), made or deferred (R35, R40).
    PARENT_ACCESS_LETTER_EXPORTED = "audit.parent_access_letter_exported", _(
        "Inzageoverzicht voor de ouder gemaakt"
    )
    # The retention run (L6; audit.retention): what outlived its term was deleted.
    RETENTION_DELETED = "retention.deleted", _("Bewaartermijn verstreken: gegevens verwijderd")


#: The purpose of use of each code (audit.catalogue.register).
AUDIT_PURPOSES: dict[str, str] = {
    AuditLogCode.SEARCHED: Purpose.AUDIT,
    AuditLogCode.CSV_EXPORTED: Purpose.AUDIT,
    AuditLogCode.PDF_EXPORTED: Purpose.AUDIT,
    AuditLogCode.CHAIN_VERIFIED: Purpose.AUDIT,
    AuditLogCode.PARENT_SEARCHED: Purpose.PARENT_ACCESS,
    AuditLogCode.PARENT_REPORT_VIEWED: Purpose.PARENT_ACCESS,
    AuditLogCode.PARENT_REPORT_EXPORTED: Purpose.PARENT_ACCESS,
    AuditLogCode.PARENT_ACCESS_LETTER_EXPORTED: Purpose.PARENT_ACCESS,
    AuditLogCode.RETENTION_DELETED: Purpose.AUDIT,
}

#: The log lists people and references, never health data; the chain check and the retention
#: run's register touch metadata only.
AUDIT_SENSITIVITIES: dict[str, str] = {
    code: Sensitivity.METADATA
    if code in (AuditLogCode.CHAIN_VERIFIED, AuditLogCode.RETENTION_DELETED)
    else Sensitivity.PERSONAL
    for code in AuditLogCode.values
}

#: Reading the log is the duty to check who saw what (NEN 7513); the overview of one parent
#: serves their right of access; the retention run acts under the retention term.
AUDIT_GROUNDS: dict[str, str] = {
    AuditLogCode.SEARCHED: Ground.LOGGING_DUTY,
    AuditLogCode.CSV_EXPORTED: Ground.LOGGING_DUTY,
    AuditLogCode.PDF_EXPORTED: Ground.LOGGING_DUTY,
    AuditLogCode.CHAIN_VERIFIED: Ground.LOGGING_DUTY,
    AuditLogCode.PARENT_SEARCHED: Ground.ACCESS_RIGHT,
    AuditLogCode.PARENT_REPORT_VIEWED: Ground.ACCESS_RIGHT,
    AuditLogCode.PARENT_REPORT_EXPORTED: Ground.ACCESS_RIGHT,
    AuditLogCode.PARENT_ACCESS_LETTER_EXPORTED: Ground.ACCESS_RIGHT,
    AuditLogCode.RETENTION_DELETED: Ground.RETENTION,
}
