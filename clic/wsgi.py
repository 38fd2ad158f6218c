import os

from django.core.wsgi import get_wsgi_application

from clic.heap import freeze_long_lived_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clic.settings.dev")
application = get_wsgi_application()
freeze_long_lived_objects()
