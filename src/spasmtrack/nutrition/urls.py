from __future__ import annotations

from django.urls import path

from spasmtrack.nutrition import views

app_name = "nutrition"
urlpatterns = [
    path("treatments/evidence/", views.evidence, name="evidence"),
    path("nutrition/", views.nutrition, name="nutrition"),
    path("nutrition/foods/", views.food_search, name="food_search"),
    path("lifestyle/", views.lifestyle, name="lifestyle"),
    path("lifestyle/checklist/<slug:item>/", views.checklist_status, name="checklist_status"),
    path("nutrition/<str:kind>/<uuid:code>/delete/", views.delete, name="delete"),
    path("nutrition/<str:kind>/<uuid:code>/restore/", views.restore, name="restore"),
]
