from django.contrib import admin
from django.urls import path

from . import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", views.WorkshopListView.as_view(), name="workshop-list"),
    path("<slug:workshop>/", views.ProgrammeView.as_view(), name="programme"),
]
