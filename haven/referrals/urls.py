from haven.referrals.views import crossborder, desk, directory, referrals

app_name = "referrals"

urlpatterns = [
    *directory.urlpatterns,
    *referrals.urlpatterns,
    *desk.urlpatterns,
    *crossborder.urlpatterns,
]
