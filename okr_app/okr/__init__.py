"""The domain rules as pure functions: periods, progress, grades, pace, forecasts, streaks.

Nothing here knows about Flask, requests or the database session; every other package may
import from here, and this package imports from none of them.
"""
