from django.urls import path

from . import pipeline, views

app_name = "referrals"
urlpatterns = [
    path("pipeline/", pipeline.pipeline, name="pipeline"),
    path("pipeline/<str:figure>/", pipeline.pipeline_list, name="pipeline_list"),
    path("youth/<int:pk>/new/", views.referral_new, name="new"),
    path("<int:referral_pk>/move/", views.referral_move, name="move"),
]
