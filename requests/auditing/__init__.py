"""What the ``requests`` app tells the audit app about its objects (``audit`` imports no domain
app): how requests and the rows beside them read in the audit reports, and how the beheerder
finds a parent for the parent's access overview. Registered from ``RequestsConfig.ready()``."""
