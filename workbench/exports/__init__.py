"""Document exports (DOCX, XLSX) built on the job runner: a page's button starts a job, the job
page shows its progress and then offers the download."""
