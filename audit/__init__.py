"""The append-only audit trail (NEN 7513, DOMAIN.md L5; R41).

Write events only through :mod:`audit.events`; verify the hash chain with
:func:`audit.chain.verify_chain` or ``manage.py audit_verify``.
"""
