# Copy to instance/config.py and adjust. Environment variables override these values.
# Generate a secret with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'
SECRET_KEY = "change-me-to-a-long-random-string"

# DATABASE_URL = "postgresql://okr:password@127.0.0.1:5432/okr"
# REDIS_URL = "redis://127.0.0.1:6379/0"
# OKR_TRUSTED_PROXIES = 1
