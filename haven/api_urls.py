"""Routes under /api/v1/: each app's api module, the same services as the pages."""

from haven.access import api as access_api
from haven.access.api import break_glass as break_glass_api
from haven.accounts import api as accounts_api
from haven.assistance.api import assessments as assessments_api
from haven.assistance.api import permits as permits_api
from haven.assistance.api import plans as plans_api
from haven.assistance.api import reflection as reflection_api
from haven.assistance.api import rights as rights_api
from haven.cases import api as cases_api
from haven.children import api as children_api
from haven.deadlines import api as deadlines_api
from haven.identification.api import decisions as decisions_api
from haven.identification.api import indicator_sets as indicator_sets_api
from haven.identification.api import screening as screening_api
from haven.justice import api as justice_api
from haven.justice import api_parties as justice_parties_api
from haven.justice import api_remedies as justice_remedies_api
from haven.linkage import api as linkage_api
from haven.referrals.api import access_requests as access_requests_api
from haven.referrals.api import crossborder as crossborder_api
from haven.referrals.api import desk as desk_api
from haven.referrals.api import directory as directory_api
from haven.referrals.api import referrals as referrals_api
from haven.returns import api as returns_api
from haven.shelters.api import placements as placements_api
from haven.shelters.api import places as shelter_places_api
from haven.shelters.api import plans as shelter_plans_api
from haven.statistics import api as statistics_api
from haven.statistics import api_dashboards as statistics_dashboards_api
from haven.statistics import api_exchange as statistics_exchange_api
from haven.statistics import api_releases as statistics_releases_api
from haven.web import api as web_api

app_name = "api"

urlpatterns = [
    *accounts_api.urlpatterns,  # tokens: issue, list, revoke
    *web_api.urlpatterns,  # the case list, read and timeline, composed from the parts
    *cases_api.urlpatterns,
    *indicator_sets_api.urlpatterns,
    *screening_api.urlpatterns,
    *decisions_api.urlpatterns,
    *reflection_api.urlpatterns,
    *deadlines_api.urlpatterns,
    *access_api.urlpatterns,
    *break_glass_api.urlpatterns,
    *permits_api.urlpatterns,
    *rights_api.urlpatterns,
    *children_api.urlpatterns,
    *assessments_api.urlpatterns,
    *plans_api.urlpatterns,
    *justice_api.urlpatterns,
    *justice_remedies_api.urlpatterns,
    *justice_parties_api.urlpatterns,
    *directory_api.urlpatterns,
    *referrals_api.urlpatterns,
    *statistics_api.urlpatterns,
    *statistics_dashboards_api.urlpatterns,
    *access_requests_api.urlpatterns,
    *desk_api.urlpatterns,
    *crossborder_api.urlpatterns,
    *linkage_api.urlpatterns,
    *statistics_releases_api.urlpatterns,
    *statistics_exchange_api.urlpatterns,
    *shelter_places_api.urlpatterns,
    *returns_api.urlpatterns,
    *shelter_plans_api.urlpatterns,
    *placements_api.urlpatterns,
]
