"""DRF plumbing every API resource shares: authentication, scopes, throttles, Problem Details
and pagination (docs/adr/0007)."""
