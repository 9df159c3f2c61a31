from __future__ import annotations

from django.urls import path

from spasmtrack.sharing import views

app_name = "sharing"
urlpatterns = [
    path("share-links/", views.links, name="links"),
    path("share-links/<uuid:code>/revoke/", views.revoke, name="revoke"),
    path("s/<str:token>/", views.open_link, name="open"),
    path("s/<str:token>/report.pdf", views.open_report, name="open_report"),
]
