"""Demo data for development, the end-to-end tests and demonstrations: the Heerlen/Parkstad
organisations and users with known second factors (:mod:`demo.accounts`), and information
requests in every state and on every path, each a declared case (:mod:`demo.request_cases`,
:mod:`demo.followup_cases`) that :mod:`demo.runner` plays through the real services.

``demo`` depends on every app and nothing depends on it. It is installed by the dev, test and
e2e settings only, never by ``base`` or ``production``: there ``load_demo`` does not exist.
"""
