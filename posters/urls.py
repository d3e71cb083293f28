from django.urls import path

from . import views

app_name = "posters"
urlpatterns = [
    path("", views.PosterListView.as_view(), name="poster-list"),
    path("<slug:slug>/", views.PosterDetailView.as_view(), name="poster-detail"),
]
