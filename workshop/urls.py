from django.contrib import admin
from django.urls import include, path

from . import views

workshop_pages = [
    path("", include("schedule.urls")),
    path("posters/", include("posters.urls")),
    path("speakers/", views.SpeakerListView.as_view(), name="speaker-list"),
    path("speakers/<slug:slug>/", views.SpeakerDetailView.as_view(), name="speaker-detail"),
    path("search/", views.SearchView.as_view(), name="search"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", views.WorkshopListView.as_view(), name="workshop-list"),
    path("<slug:workshop>/", include(workshop_pages)),
]
