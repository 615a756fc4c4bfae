"""Shared JSON-lines event logger for the twhazard sample traffic programs.

Every event is one JSON object per line: {"t": epoch seconds, "prog": ..., "label": ..., "ev": ..., ...}.
"""
import errno
import json
import threading
import time


class JsonLog:
    def __init__(self, path, prog, label=None):
        self._f = open(path, "a", buffering=1)
        self._prog = prog
        self._label = label
        self._lock = threading.Lock()

    def ev(self, name, **kw):
        rec = {"t": round(time.time(), 6), "prog": self._prog}
        if self._label:
            rec["label"] = self._label
        rec["ev"] = name
        rec.update(kw)
        line = json.dumps(rec, sort_keys=False)
        with self._lock:
            self._f.write(line + "\n")


def errname(exc):
    """Kernel errno name of an OSError (ETIMEDOUT, EADDRNOTAVAIL, ...)."""
    num = getattr(exc, "errno", None)
    if num is None:
        if isinstance(exc, TimeoutError):
            return "PYTHON_TIMEOUT"
        return type(exc).__name__
    return errno.errorcode.get(num, str(num))
