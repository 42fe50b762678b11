"""Case API, one module per concern. ``urlpatterns`` gathers their routes; the
shared pieces other apps' API modules build on are re-exported here."""

from haven.cases.api import cases, erasure, interviews, sharing
from haven.cases.api.cases import CASE_ID, NOT_FOUND, IdentificationStatusField

__all__ = ["CASE_ID", "NOT_FOUND", "IdentificationStatusField", "urlpatterns"]

urlpatterns = [
    *cases.urlpatterns,
    *sharing.urlpatterns,
    *interviews.urlpatterns,
    *erasure.urlpatterns,
]
