"""Taking data out and bringing it back: GET /export and POST /import."""
