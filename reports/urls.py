from django.urls import path

from . import extract_views, views

app_name = "reports"
urlpatterns = [
    path("", views.grant_report, name="grant_report"),
    path("download/<str:fmt>/", views.grant_report_download, name="grant_report_download"),
    path("extract/", extract_views.extract, name="extract"),
    path("extract/<int:job_pk>/", extract_views.extract_status, name="extract_status"),
    path("extract/<int:job_pk>/file/", extract_views.extract_file, name="extract_file"),
]
