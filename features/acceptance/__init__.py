"""Support code of the core's acceptance suite (imported by environment.py and steps/*.py).

`till.Till` is what a scenario remembers between steps: the programme, the member, the moment,
the store, the basket, the last purchase and its returns. It drives `loyalty_core.engine`
in-process (no database, no HTTP).
"""
