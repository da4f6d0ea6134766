"""The WSGI application, loaded whole before the first request.

Importing every view (SymPy, NumPy, SciPy and the rest) leaves some 200,000 long-lived objects,
and a full garbage collection that walks them holds the interpreter lock for about 100 ms, stalling
every request the process is serving. They are imported here, then frozen out of the collector's
reach, so a collection walks only what requests create.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tangent.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - imports every view now, not on the first request
gc.collect()
gc.freeze()
