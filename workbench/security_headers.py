"""Response headers that tell browsers what this app's pages may do.

- Content-Security-Policy: scripts, styles, images, fonts and form targets from this site only;
  no plugins; no framing by other sites (frame-ancestors, with X-Frame-Options for older
  browsers). Styles also allow inline ones: the process diagrams are inline SVG whose shapes
  carry `style` attributes and a <style> element (process_models.svg). The workbench has no
  script of its own, so no inline script is allowed.
- X-Content-Type-Options: nosniff, so an uploaded or exported file is never run as a script.
- Referrer-Policy: links to other sites do not carry our URLs (project keys, search terms).
A view that sets one of these itself keeps its own value.
"""

from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_security_headers(app: Flask) -> None:
    app.after_request(add_security_headers)
