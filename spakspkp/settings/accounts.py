"""Staff accounts: the second factor (TOTP with recovery codes, django-otp)."""
from .env import env_bool

# Kanwil and Pusat staff (and superusers) always need a second factor; UPT officers only when this is on.
OTP_REQUIRED_FOR_UPT = env_bool("OTP_REQUIRED_FOR_UPT", False)
OTP_TOTP_ISSUER = "SPAK-SPKP"
