"""Stage 1 inventories: algorithms, document forms, reports and the IT landscape, AS-IS and TO-BE."""
