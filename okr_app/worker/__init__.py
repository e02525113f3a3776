"""The worker process: Celery, with beat embedded for the periodic steps (``flask worker``)."""
