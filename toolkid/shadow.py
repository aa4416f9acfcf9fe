"""Our ``requests/`` app shadows the PyPI library ``requests`` (never installed, never
imported: tests/test_no_requests_dependency.py).

Django REST framework treats ``requests`` as optional: ``rest_framework.compat`` does
``try: import requests`` and keeps what it finds. Here that would be our app, and
``rest_framework.test`` (imported by drf-spectacular, and by our API tests) then fails on
``requests.packages``. So the compat module is imported once with ``requests`` marked absent,
which gives it the answer it would have on a machine without the library: ``requests = None``.
"""

from __future__ import annotations

import sys

_ABSENT = object()


def hide_from_optional_imports() -> None:
    if "rest_framework.compat" in sys.modules:
        sys.modules["rest_framework.compat"].requests = None
        return
    saved = sys.modules.get("requests", _ABSENT)
    sys.modules["requests"] = None  # ``import requests`` now raises ImportError
    try:
        import rest_framework.compat  # noqa: F401
    finally:
        if saved is _ABSENT:
            del sys.modules["requests"]
        else:
            sys.modules["requests"] = saved
