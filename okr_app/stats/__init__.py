"""Statistics: where a user stands, and whether they are on pace."""
