from django.contrib import admin
from django.urls import include, path

from . import offline, printed, views
from .changes.feed import ChangeFeed
from .changes.views import ChangeLogView
from .exports import views as export_views
from .search.views import SearchView
from .sitemaps import sitemap_index, workshop_sitemap

workshop_pages = [
    path("", include("schedule.urls")),
    path("posters/", include("posters.urls")),
    path("speakers/", views.SpeakerListView.as_view(), name="speaker-list"),
    path("speakers/<slug:slug>/", views.SpeakerDetailView.as_view(), name="speaker-detail"),
    path("search/", SearchView.as_view(), name="search"),
    path("agenda/", views.AgendaView.as_view(), name="agenda"),
    path("agenda.ics", export_views.AgendaCalendarView.as_view(), name="agenda-ics"),
    path("schedule.ics", export_views.CalendarView.as_view(), name="schedule-ics"),
    path("schedule.xml", export_views.FrabXmlView.as_view(), name="schedule-xml"),
    path("schedule.json", export_views.ScheduleJsonView.as_view(), name="schedule-json"),
    path("sessions/<slug:slug>.ics", export_views.SessionCalendarView.as_view(), name="session-ics"),
    path("programme/", printed.PrintedProgrammeView.as_view(), name="printed-programme"),
    path("qr/<str:kind>/<slug:slug>.svg", printed.qr_code, name="qr-code"),
    path("changes/", ChangeLogView.as_view(), name="changes"),
    path("changes.atom", ChangeFeed(), name="changes-feed"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("offline.json", offline.offline_list, name="offline-list"),
    path("search-index.json", offline.search_index, name="search-index"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", workshop_sitemap, name="sitemap-workshop"),
    path("healthz", views.healthz, name="healthz"),
    path("service-worker.js", offline.service_worker, name="service-worker"),
    path("", views.WorkshopListView.as_view(), name="workshop-list"),
    path("<slug:workshop>/", include(workshop_pages)),
]
