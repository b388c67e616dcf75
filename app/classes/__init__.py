"""Class sessions: join codes, roles, presenting, freezing, the roster and class experiments."""
