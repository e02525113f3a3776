"""The benchmark: okr_app under load beside a minimal floor app (see bench/run.py)."""
