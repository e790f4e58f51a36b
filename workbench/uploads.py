"""Uploads: a size limit per kind of file, and file names reduced to a safe base name.

Every other request keeps MAX_CONTENT_LENGTH (1 MiB by default). The pages that take a file
accept what the README promises for that kind, plus a little room for the form's other fields:

| page (endpoint)              | kind                         | at most |
|------------------------------|------------------------------|---------|
| processes.import_file        | BPMN 2.0 model               | 20 MB   |
| processes.save_drawn         | the modeller's BPMN diagram  | 20 MB   |
| requirements.import_file     | requirements XLSX / CSV      | 5 MB    |
| acceptance.import_files      | .feature files (all at once) | 5 MB    |
| programme.create_version     | configuration YAML / JSON    | 1 MiB   |

A larger body is refused with a 413 before it is read (an HTML page naming the limit, or a
problem document under /api/).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from flask import Flask, current_app, request

from gap_analysis.intake import MAX_FILE_BYTES as REQUIREMENTS_MAX_BYTES
from process_models.bpmn import MAX_BYTES as BPMN_MAX_BYTES

# Multipart boundaries, the CSRF token and the other fields of the form.
FORM_OVERHEAD = 64 * 1024
MAX_FILENAME_LENGTH = 200


@dataclass(frozen=True)
class UploadLimit:
    kind: str  # what people call the file, for the 413 page
    max_bytes: int  # the file itself; the body may carry FORM_OVERHEAD more


UPLOAD_LIMITS: dict[str, UploadLimit] = {
    "processes.import_file": UploadLimit("BPMN file", BPMN_MAX_BYTES),
    "processes.save_drawn": UploadLimit("BPMN file", BPMN_MAX_BYTES),
    "requirements.import_file": UploadLimit("requirements file", REQUIREMENTS_MAX_BYTES),
    "acceptance.import_files": UploadLimit(".feature files", 5 * 1024 * 1024),
    "programme.create_version": UploadLimit("configuration file", 1024 * 1024),
}


def upload_limit() -> UploadLimit | None:
    """The limit of the page this request posts to, or None for requests without a file."""
    return UPLOAD_LIMITS.get(request.endpoint or "")


def safe_filename(raw: str | None, default: str = "upload") -> str:
    """The base name of an uploaded file without control or format characters.

    Browsers may send a full path ("C:\\Users\\...\\model.bpmn") and a hostile client anything
    ("../../x", a NUL, a right-to-left override that makes "exe.txt" read "txt.exe"). The name
    is only shown and stored, never used as a path, but pages, audit entries and exported
    documents must not carry such characters. Cyrillic and other letters are kept.
    """
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    name = name.strip().strip(".").strip()
    return name[-MAX_FILENAME_LENGTH:] if name else default


def apply_upload_limit() -> None:
    """Before anything reads the body (the CSRF check does): this page's size limit."""
    limit = upload_limit()
    if limit is not None:
        request.max_content_length = limit.max_bytes + FORM_OVERHEAD


def clean_upload_names() -> None:
    """Before every view: the names of the request's files cut to a clean base name."""
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype == "multipart/form-data":
        for _field, storage in request.files.items(multi=True):  # parses the body within the limit above
            if storage.filename:
                storage.filename = safe_filename(storage.filename)


def init_uploads(app: Flask) -> None:
    # First of all before-request functions: CSRFProtect's check, registered earlier, reads the
    # form, and a body read under the general 1 MiB limit would refuse every larger upload.
    app.before_request_funcs.setdefault(None, []).insert(0, apply_upload_limit)
    app.before_request(clean_upload_names)


def limit_description() -> str:
    """The 413 page's sentence: the limit of this page's kind of file, or the general one."""
    from flask_babel import gettext as _

    limit = upload_limit()
    if limit is not None:
        return _("A %(kind)s may be at most %(size)s.", kind=limit.kind, size=_size(limit.max_bytes))
    general = int(current_app.config.get("MAX_CONTENT_LENGTH") or 0)
    return _("A request may be at most %(size)s.", size=_size(general))


def _size(max_bytes: int) -> str:
    megabytes = max_bytes / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{max_bytes // 1024} KB"
