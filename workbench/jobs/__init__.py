"""The job runner: heavy work (uploads, acceptance runs) as rows with progress, run by huey's
consumer (`workbench jobs worker`), never in a request thread."""
