"""The application's URLs plus, for the page benchmark only, a Django admin changelist of the
youth records: the comparison anyone would recognise for the caseload filter.

The real admin site shows no case content (DESIGN.md section 1); this site exists only in the
benchmark process (ROOT_URLCONF = "bench_urls"), never in the application.
"""

from django.contrib import admin
from django.urls import path

from reengage.urls import urlpatterns as application
from youth.models import Youth

site = admin.AdminSite(name="bench_admin")


@admin.register(Youth, site=site)
class YouthChangelist(admin.ModelAdmin):
    list_display = ["legal_last_name", "legal_first_name", "birth_date", "school_status"]
    list_filter = ["school_status", "cases__center", "cases__status"]
    search_fields = ["search_last", "search_first", "=lausd_id"]
    list_per_page = 25
    ordering = ["search_last", "search_first", "pk"]


urlpatterns = [path("bench-admin/", site.urls), *application]
