from django.urls import path

from .views import assessing, casework, moves, records

app_name = "youth"
urlpatterns = [
    path("", records.caseload, name="caseload"),
    path("intake/", records.intake, name="intake"),
    path("intake/check/", records.intake_check, name="intake_check"),
    path("follow-ups/overdue/", moves.overdue, name="overdue"),
    path("transfers/", moves.transfers, name="transfers"),
    path("transfers/<int:transfer_pk>/", moves.transfer_decide, name="transfer_decide"),
    path("merge/", moves.merge, name="merge"),
    path("merge/<int:merge_pk>/undo/", moves.merge_undo, name="merge_undo"),
    path("centers/<str:code>/reassign/", moves.caseload_reassign, name="caseload_reassign"),
    path("<int:pk>/", records.detail, name="detail"),
    path("<int:pk>/edit/", records.edit, name="edit"),
    path("<int:pk>/open-case/", records.open_case_here, name="open_case_here"),
    path("<int:pk>/notes/new/", casework.note_add, name="note_add"),
    path("<int:pk>/notes/<int:note_pk>/", casework.note_edit, name="note_edit"),
    path("<int:pk>/follow-ups/new/", casework.follow_up_add, name="follow_up_add"),
    path(
        "<int:pk>/follow-ups/<int:follow_up_pk>/done/",
        casework.follow_up_done,
        name="follow_up_done",
    ),
    path("<int:pk>/consents/new/", casework.consent_add, name="consent_add"),
    path(
        "<int:pk>/consents/<int:consent_pk>/withdraw/",
        casework.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<int:pk>/transfer/", moves.transfer_request, name="transfer_request"),
    path(
        "<int:pk>/transfers/<int:transfer_pk>/cancel/",
        moves.transfer_cancel,
        name="transfer_cancel",
    ),
    path("<int:pk>/close/", moves.case_close, name="close"),
    path("<int:pk>/assess/", assessing.assess, name="assess"),
    path("<int:pk>/reassign/", moves.case_reassign, name="reassign"),
]
