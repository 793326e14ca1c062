from django.contrib import admin

from .models import ScaleScoreBand


# Only reference data here: administrators see no case content (DESIGN.md section 1).
@admin.register(ScaleScoreBand)
class ScaleScoreBandAdmin(admin.ModelAdmin):
    list_display = ["test", "subject", "level", "low", "high", "grade_range"]
    list_filter = ["test", "subject"]
    list_editable = ["low", "high"]
