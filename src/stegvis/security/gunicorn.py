"""gunicorn settings: ``gunicorn -c python:stegvis.security.gunicorn stegvis.wsgi``.

The access log shows the path without its query string (``%(U)s``, not ``%(r)s``): searches
put names and personnummer in the query string."""

accesslog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'
