"""Key results, their progress and their check-in history."""
