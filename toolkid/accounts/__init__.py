"""Login with two factors (DOMAIN.md L7): password, authenticator app, backup codes, logout."""
