"""Share links: a secret URL showing one objective read-only to anyone who has it."""
