from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    # The package name shadows the PyPI "requests" library on purpose of the design card;
    # the project never depends on that library (see tests/test_no_requests_dependency.py).
    name = "requests"
    label = "requests"
    verbose_name = _("Informatieverzoeken")

    def ready(self):
        # What the app tells the audit app (which imports no domain app): its audit codes
        # with their labels, and its records under the retention rules.
        from audit.catalogue import register
        from audit.retention import register_source
        from requests.core.audit_codes import RequestAuditCode

        # Every step a service logs may open follow-up duties (R27, R30, R31, R36, R38), in the
        # same transaction; the kernel calls what the follow-up registers, not the other way.
        from requests.core.plumbing import on_step
        from requests.followup.services import open_duties_after
        from requests.retention import SOURCES
        from requests.today.blocks import today_blocks
        from toolkid import today

        on_step(open_duties_after)
        # Webhooks (ADR 0007 §9): the event types, and the steps that announce them, in the
        # step's transaction. The kernel knows neither.
        from requests.api.events import webhooks_after_step
        from requests.core.webhooks import register_webhook_types

        register_webhook_types()
        on_step(webhooks_after_step)
        from requests.auditing.grounds import REQUEST_GROUNDS, REQUEST_SENSITIVITIES, register_grounds
        from requests.auditing.purposes import REQUEST_PURPOSES, register_purposes

        register(
            RequestAuditCode,
            purposes=REQUEST_PURPOSES,
            sensitivities=REQUEST_SENSITIVITIES,
            grounds=REQUEST_GROUNDS,
        )
        register_purposes()
        register_grounds()
        # Vandaag, the home page: toolkid shows what the apps register (it imports none).
        today.register("requests", today_blocks)
        for source in SOURCES:
            register_source(source)
        # How its objects read in the audit log, and how the beheerder finds a parent there.
        from requests.auditing.objects import register_objects
        from requests.auditing.parents import register_finder
        from requests.auditing.right_of_access import register_right_of_access_source

        register_objects()
        register_finder()
        # The parent's access overview (R41): the parent, the path-C hold, what was provided.
        register_right_of_access_source()
        # The FHIR view's AuditEvent search finds a Task's lines (audit imports no domain app).
        from audit.fhir import register_entity
        from requests.fhir.task import audit_entity

        register_entity("Task", audit_entity)
