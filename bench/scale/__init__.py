"""A national-scale dataset for the benchmark (`manage.py generate_scale`): see world.py."""
