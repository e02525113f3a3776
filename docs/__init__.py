"""Documentation assets and the script that makes them."""
