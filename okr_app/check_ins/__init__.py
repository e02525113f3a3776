"""Check-ins of several key results at once (the write rules live in ``okr_app.key_results``)."""
