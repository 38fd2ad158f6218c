from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark's own app: only its `generate_scale` command. Installed by the test
    settings (which `make bench` runs under), never by production's: it is not the service."""

    name = "bench"
    verbose_name = "Benchmark"
