from django.urls import path

from haven.linkage import review_views, views

app_name = "linkage"

urlpatterns = [
    path("check/", views.check, name="check"),
    path("tell/", views.tell, name="tell"),
    path("review/", review_views.queue, name="review_queue"),
    path("review/runs/", review_views.run_start, name="run_start"),
    path("review/runs/<uuid:run_id>/", review_views.run_detail, name="run_detail"),
    path("review/pairs/<uuid:pair_id>/", review_views.pair_detail, name="pair_detail"),
    path("review/merges/<uuid:merge_id>/", review_views.merge_detail, name="merge_detail"),
    path("review/merges/<uuid:merge_id>/decide/", review_views.merge_decide, name="merge_decide"),
    path(
        "review/merges/<uuid:merge_id>/unmerge/",
        review_views.merge_unmerge,
        name="merge_unmerge",
    ),
]
