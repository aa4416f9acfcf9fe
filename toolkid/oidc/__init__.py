"""Login with the organisation's own account: OpenID Connect, one provider per organisation
(issue 14, ADR 0007 §10). Part of the kernel: imports no domain app."""
