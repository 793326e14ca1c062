from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from . import views

admin.site.site_header = _("reengage administration")
admin.site.site_title = _("reengage administration")

handler500 = "reengage.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("centers/", include("centers.urls")),
    path("youth/", include("youth.urls")),
    path("sis/", include("sis_bridge.urls")),
    path("referrals/", include("referrals.urls")),
    path("reports/", include("reports.urls")),
    path("audit/", include("audit.urls")),
    # Public so the sign-in page can switch language too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
