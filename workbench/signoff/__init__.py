"""Stage 3: the client's approvers sign the prototype package (a frozen, hashed snapshot of the
TO-BE design and the configuration version to build)."""
