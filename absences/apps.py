from django.apps import AppConfig


class AbsencesConfig(AppConfig):
    name = "absences"
    verbose_name = "Absences and leave"

    def ready(self):
        # Absences lie over the days they affect in every diary (rotations.diary's hook).
        try:
            from rotations import diary
        except ImportError:  # pragma: no cover - the diary arrives with the rotations app
            return
        from .selectors import diary_entries

        diary.register("absences", diary_entries)
