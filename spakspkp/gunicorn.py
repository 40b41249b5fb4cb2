"""gunicorn configuration of the production web server (docker-compose: `--config python:spakspkp.gunicorn`).

The access log must not undo the database's data minimisation: for the respondents' pages (the public form
`/s/...`, the survey-ticket pages `/t/...`, the language switch and the privacy notice) a line carries no
client address, no user agent, no referrer, no request or response header (the device cookie), no
environment value and no query string; only the time, method, path, status and size.
Staff pages are logged in full. docs/operations.md, "Logs".
"""
from gunicorn.glogging import Logger

PUBLIC_PREFIXES = ("/s/", "/t/", "/privasi/", "/i18n/")
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'


def is_public(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIXES)


class PrivateAccessLogger(Logger):
    """gunicorn's logger with the identifying atoms blanked for the respondents' pages."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = environ.get("PATH_INFO", "")
        if not is_public(path):
            return atoms
        for key in list(atoms):
            # request and response headers, environment: X-Forwarded-For, REMOTE_ADDR, the device cookie...
            if key.endswith(("}i", "}o", "}e")):
                atoms[key] = "-"
        atoms.update(h="-", a="-", f="-", q="", U=path, r=f"{environ.get('REQUEST_METHOD', '-')} {path} "
                     f"{environ.get('SERVER_PROTOCOL', '-')}")
        return atoms


logger_class = PrivateAccessLogger
