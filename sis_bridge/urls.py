from django.urls import path

from . import views

app_name = "sis_bridge"
urlpatterns = [
    path("runs/", views.runs, name="runs"),
    path("youth/<int:pk>/", views.panel, name="panel"),
    path("youth/<int:pk>/refresh/", views.refresh, name="refresh"),
    path("youth/<int:pk>/find/", views.find, name="find"),
    path("youth/<int:pk>/link/", views.link, name="link"),
]
