from __future__ import annotations

from django.urls import path

from spasmtrack.clinic import views

app_name = "clinic"
urlpatterns = [
    path("sharing/", views.sharing, name="sharing"),
    path("sharing/<uuid:code>/revoke/", views.revoke, name="revoke"),
    path("sharing/audit/", views.audit_trail, name="audit"),
    path("clinic/", views.patients, name="patients"),
    path("clinic/<uuid:patient>/", views.dashboard, name="dashboard"),
    path("clinic/<uuid:patient>/report/", views.report, name="report"),
    path("clinic/<uuid:patient>/report/choose/", views.report_choose, name="report_choose"),
    path("clinic/<uuid:patient>/questionnaires/", views.questionnaires, name="questionnaires"),
    path("clinic/<uuid:patient>/insights/", views.insights, name="insights"),
    path("clinic/<uuid:patient>/trials/", views.trials, name="trials"),
    path("clinic/<uuid:patient>/trials/<uuid:code>/", views.trial_report, name="trial_report"),
    path(
        "clinic/<uuid:patient>/record/trigger-point/",
        views.record_trigger_point,
        name="record_trigger_point",
    ),
    path(
        "clinic/<uuid:patient>/record/treatment/", views.record_treatment, name="record_treatment"
    ),
]
