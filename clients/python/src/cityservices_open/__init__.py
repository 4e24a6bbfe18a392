"""A client of the enterprise open platform (``/api/open/v1``): signing, idempotent writes, batches, webhooks."""

from cityservices_open.client import (
    Credentials,
    HmacCredentials,
    OpenApiError,
    OpenClient,
    SignatureMismatch,
    Sm2Credentials,
)

__all__ = ["Credentials", "HmacCredentials", "OpenApiError", "OpenClient", "SignatureMismatch", "Sm2Credentials"]
