"""AS-IS / TO-BE process graphs, validation, diff, BPMN 2.0 I/O and layout (no Flask).

Built in the stage 1-2 issue; the package exists now so the import contracts hold from day one.
"""
