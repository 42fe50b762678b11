"""Placement pages under /shelters/: the search for one person and the proposal
(from the case page), the shelter's placement requests, and one placement."""

from haven.shelters.views import placements

app_name = "shelters_placements"

urlpatterns = placements.urlpatterns
