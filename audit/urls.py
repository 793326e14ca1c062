from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("youth/<int:pk>/disclosures/", views.disclosure_log, name="disclosure_log"),
    path("export/", views.access_log_export, name="export"),
]
