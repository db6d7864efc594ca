"""A client for CloudFront Local's `/_emulator` control plane (JSON over HTTP, standard library
only). Method names match the JavaScript module's (snake_case here, camelCase there)."""

import json
import urllib.error
import urllib.parse
import urllib.request


class ControlError(Exception):
    """The control plane refused a call: `status` is the HTTP status, `message` its `error`."""

    def __init__(self, method, path, status, message, body=None):
        super().__init__(f"{method} /_emulator{path} answered {status}: {message}")
        self.status = status
        self.message = message
        self.body = body


def _without_none(**members):
    return {name: value for name, value in members.items() if value is not None}


class Control:
    """The control plane of the emulator at `url` (e.g. "http://127.0.0.1:4750")."""

    def __init__(self, url, timeout=30.0):
        self.url = url.rstrip("/")
        self.timeout = timeout

    # -- transport ---------------------------------------------------------------------------

    def call(self, method, path, body=None, query=None):
        """One control call; returns the decoded JSON answer or raises ControlError."""
        target = self.url + "/_emulator" + path
        if query:
            target += "?" + urllib.parse.urlencode(_without_none(**query))
        data = None
        if method in ("POST", "PUT", "PATCH") or body is not None:
            data = json.dumps({} if body is None else body).encode("utf-8")
        request = urllib.request.Request(target, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as refused:
            text = refused.read().decode("utf-8", "replace")
            try:
                decoded = json.loads(text)
                message = decoded.get("error", text) if isinstance(decoded, dict) else text
            except ValueError:
                decoded, message = None, text
            raise ControlError(method, path, refused.code, message, decoded) from None

    # -- the emulator ------------------------------------------------------------------------

    def health(self):
        return self.call("GET", "/health")

    def reset(self, account=None):
        """Forgets everything (every account, faults, journal, clock offset, run-time settings),
        or only one account's resources, fault rules and journal entries."""
        return self.call("POST", "/reset", _without_none(account=account))

    def config(self, **changes):
        """The run-time settings; with keyword arguments (propagation_delay_seconds,
        invalidation_delay_seconds, max_distributions) changes them first."""
        if changes:
            return self.call("PATCH", "/config", changes)
        return self.call("GET", "/config")

    # -- time --------------------------------------------------------------------------------

    def clock(self):
        """{"now": ISO-8601, "now_ms": int, "offset_seconds": float}"""
        return self.call("GET", "/clock")

    def advance_clock(self, seconds):
        """Moves the emulator's clock forward; every status follows."""
        return self.call("POST", "/clock", {"advance_seconds": seconds})

    def settle(self, id=None, account=None):  # noqa: A002 (the control plane's own name)
        """Finishes what is in progress now (everything, one account or one resource); returns
        how many resources settled."""
        return self.call("POST", "/settle", _without_none(id=id, account=account))["settled"]

    # -- other actors and faults -------------------------------------------------------------

    def touch(self, resource_id, enabled=None, comment=None, account=None):
        """Someone else updates the resource: new ETag, InProgress again."""
        body = _without_none(enabled=enabled, comment=comment, account=account)
        return self.call("POST", f"/resources/{urllib.parse.quote(resource_id, safe='')}/touch", body)

    def add_fault(self, operation, error=None, count=None, resource_id=None, account=None,
                  delay_ms=None, message=None):
        """The next `count` matching API calls answer `error` (or are delayed); returns the rule."""
        return self.call("POST", "/faults", _without_none(
            operation=operation, error=error, count=count, resource_id=resource_id,
            account=account, delay_ms=delay_ms, message=message))

    def faults(self):
        return self.call("GET", "/faults")["faults"]

    def remove_fault(self, rule_id):
        return self.call("DELETE", f"/faults/{urllib.parse.quote(rule_id, safe='')}")

    def clear_faults(self):
        return self.call("DELETE", "/faults")

    # -- the journal -------------------------------------------------------------------------

    def requests(self, operation=None, status=None, account=None, error=None, limit=None):
        """The latest API calls, newest first, filtered."""
        query = _without_none(operation=operation, status=status, account=account, error=error,
                              limit=limit)
        return self.call("GET", "/requests", query=query)["requests"]

    def clear_requests(self):
        return self.call("DELETE", "/requests")

    def journal_tail(self, account=None, limit=20):
        """The latest calls (of one account), oldest first, one readable line each."""
        calls = list(reversed(self.requests(account=account, limit=limit)))
        return "\n".join(format_call(call) for call in calls)

    # -- state -------------------------------------------------------------------------------

    def snapshot(self):
        """Every account's resources as JSON (restore() takes it back)."""
        return self.call("GET", "/state")

    def restore(self, snapshot):
        return self.call("PUT", "/state", snapshot)


def format_call(call):
    """One journal entry as a line: time, status, operation, error, fault, path, ids."""
    parts = [call.get("time", ""), str(call.get("status", "")), call.get("operation") or "-"]
    if call.get("error_code"):
        parts.append(call["error_code"])
    if call.get("fault"):
        parts.append(f"(injected by {call.get('fault_rule')})")
    parts.append(f"{call.get('method', '')} {call.get('path', '')}")
    if call.get("if_match"):
        parts.append(f"If-Match={call['if_match']}")
    if call.get("etag"):
        parts.append(f"ETag={call['etag']}")
    parts.append(f"account={call.get('account', '')} request_id={call.get('request_id', '')}")
    return " ".join(parts)
