from celery import shared_task


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def timetable_pack_build_task(pack_id: int) -> None:
    """Build a cohort's timetable pack (all trainees in one PDF)."""
    from .services import timetable_pack_build

    timetable_pack_build(pack_id=pack_id)
