"""Stage 1 interviews: who was asked what, and the findings that later become requirements."""
