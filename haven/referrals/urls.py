from haven.referrals.views import access_requests, crossborder, desk, directory, referrals

app_name = "referrals"

urlpatterns = [
    *directory.urlpatterns,
    *referrals.urlpatterns,
    *access_requests.urlpatterns,
    *desk.urlpatterns,
    *crossborder.urlpatterns,
]
