"""Confirming a delete before it happens, with and without JavaScript.

A delete is a POST to its URL. The page's "delete" is a link to that URL with `data-confirm`
(the question): with JavaScript (static/confirm.js) a click opens the page's dialog, whose form
posts to the link's URL; without it, the link opens the URL with GET, which answers with the
confirmation page below: the same question and a form that posts. So nothing is deleted by one
click, and the POST itself stays what scripts and tests send.
"""

from __future__ import annotations

from flask import render_template, request


def confirmation_page(question: str, cancel_url: str) -> str:
    """The page that asks `question` and posts to the current URL when the user confirms."""
    return render_template("confirm.html", question=question, action=request.path, cancel_url=cancel_url)


def asking() -> bool:
    """True when the request only asks to confirm (a GET of a delete URL), not to delete."""
    return request.method == "GET"
