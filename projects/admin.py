"""The Django admin (superusers only): for looking things up, not day-to-day work, which goes
through the service's pages and their services.

Change lists name what they show in list_select_related: otherwise the admin follows every
foreign key (nineteen joins for committee submissions, through the upload to its placement
again), which PostgreSQL plans as loops over single rows while its statistics say the tables
are empty, and the page never finishes."""

from django.contrib import admin

from .models import (
    CommitteeSubmission,
    Concern,
    ConcernNote,
    HRChecklist,
    Meeting,
    MeetingNotice,
    ProgressComment,
    ProgressEntry,
    Project,
    SummaryUpload,
)


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "placement", "status", "commissioning_stage", "agreed_at"]
    list_select_related = ["placement__trainee", "placement__cohort"]
    list_filter = ["status", "commissioning_stage"]
    search_fields = ["title", "placement__trainee__full_name"]
    raw_id_fields = ["placement", "agreed_by", "confirmed_by"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["kind", "placement", "date", "status"]
    list_select_related = ["placement__trainee", "placement__cohort"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["placement", "scheduled_by", "recorded_by"]
    filter_horizontal = ["attendees"]


@admin.register(MeetingNotice)
class MeetingNoticeAdmin(admin.ModelAdmin):
    list_display = ["kind", "stage", "placement", "sent_on", "recipients"]
    list_select_related = ["placement__trainee", "placement__cohort"]
    list_filter = ["stage", "kind"]
    raw_id_fields = ["placement"]


class ProgressCommentInline(admin.TabularInline):
    model = ProgressComment
    raw_id_fields = ["author"]
    extra = 0


@admin.register(ProgressEntry)
class ProgressEntryAdmin(admin.ModelAdmin):
    list_display = ["placement", "date", "author"]
    list_select_related = ["placement__trainee", "placement__cohort", "author"]
    raw_id_fields = ["placement", "author"]
    inlines = [ProgressCommentInline]


@admin.register(HRChecklist)
class HRChecklistAdmin(admin.ModelAdmin):
    list_display = ["placement", "updated_at"]
    list_select_related = ["placement__trainee", "placement__cohort"]
    raw_id_fields = ["placement"]


class ConcernNoteInline(admin.TabularInline):
    model = ConcernNote
    raw_id_fields = ["author"]
    extra = 0


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    list_display = ["summary", "placement", "raised_as", "status", "created_at"]
    list_filter = ["status", "raised_as"]
    list_select_related = ["placement__trainee", "placement__cohort"]
    raw_id_fields = ["placement", "raised_by"]
    inlines = [ConcernNoteInline]


@admin.register(SummaryUpload)
class SummaryUploadAdmin(admin.ModelAdmin):
    list_display = ["placement", "outcome_name", "slide_name", "uploaded_at"]
    list_select_related = ["placement__trainee", "placement__cohort"]
    raw_id_fields = ["placement", "uploaded_by"]


@admin.register(CommitteeSubmission)
class CommitteeSubmissionAdmin(admin.ModelAdmin):
    list_display = ["placement", "to_email", "submitted_by", "submitted_at"]
    list_select_related = ["placement__trainee", "placement__cohort", "submitted_by"]
    raw_id_fields = ["placement", "upload", "submitted_by"]
