"""Signed CloudEvents webhooks to the organisations' own systems (docs/adr/0007 §9).

Part of the kernel: it knows no domain app. The apps register their event types
(:func:`toolkid.webhooks.events.register`) and call :func:`toolkid.webhooks.events.emit` in the
transaction of the step that caused the event; the rows it writes (an outbox) are delivered by
``toolkid.webhooks.tasks.deliver_webhooks``.
"""
