"""Objectives: a user's goals for a period, with their key results embedded."""
