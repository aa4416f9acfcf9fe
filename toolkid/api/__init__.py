"""DRF plumbing every API resource shares: authentication, scopes, throttles, Problem Details, pagination (docs/adr/0007)."""
