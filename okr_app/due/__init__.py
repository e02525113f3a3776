"""Due check-ins: the caller's key results whose cadence asks for a check-in soon."""
