from django.urls import path

from . import views

app_name = "schedule"
urlpatterns = [
    path("", views.TimetableView.as_view(), name="timetable"),
    path("sessions/<slug:slug>/", views.SessionDetailView.as_view(), name="session-detail"),
]
