"""The shared kernel of the requests app: the request itself, its state machine, its events,
the plumbing every service uses, who may see it and the one permission policy."""
