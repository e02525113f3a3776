"""The interface's pages, one module per part; each registers its views on ``web.routes.blp``."""
