from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import EmailStateFilter
from reports.models import (
    DigestPreference,
    DigestSchedule,
    DistributionList,
    MailingMessage,
    MailingRun,
    MonthlyReport,
)
from reports.services import mailing_message_resend


@admin.register(DigestSchedule)
class DigestScheduleAdmin(SimpleHistoryAdmin):
    """SPEC D-03: admins edit when each mailing goes out (local time, Asia/Shanghai)."""

    list_display = ("kind", "hour", "minute", "weekday", "day_of_month", "enabled")
    list_editable = ("hour", "minute", "weekday", "day_of_month", "enabled")


@admin.register(DistributionList)
class DistributionListAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "site", "is_active")
    list_filter = ("kind", "is_active", "site")


@admin.register(DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "enabled")
    list_filter = ("kind", "enabled")


@admin.register(MailingRun)
class MailingRunAdmin(admin.ModelAdmin):
    list_display = ("schedule", "period", "status", "mails", "started_at", "finished_at")
    list_filter = ("status", "schedule")
    readonly_fields = ("schedule", "period", "status", "mails", "started_at", "finished_at", "error")


@admin.action(description=_("Send the email again"))
def resend_mailing(modeladmin, request, queryset) -> None:

    count = mailing_message_resend(ids=list(queryset.values_list("pk", flat=True)))
    modeladmin.message_user(request, _("%(n)d message(s) queued to be sent again.") % {"n": count})


@admin.register(MailingMessage)
class MailingMessageAdmin(admin.ModelAdmin):
    """Issue 23.4/23.6: each mail of a run; failed ones listed and resendable."""

    list_display = ("subject", "run", "created_at", "email_sent_at", "email_attempts", "email_failed_at", "email_error")
    list_filter = (EmailStateFilter, "run__schedule")
    readonly_fields = [f.name for f in MailingMessage._meta.fields]
    actions = [resend_mailing]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ("month", "site", "status", "progress", "generated_at")
    list_filter = ("status", "site")
    readonly_fields = ("figures",)
