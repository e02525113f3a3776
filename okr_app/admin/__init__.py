"""Administration: accounts, roles and activation."""
