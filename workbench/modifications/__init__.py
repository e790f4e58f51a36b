"""The modifications list (список доработок): MOD-n, estimates, dependencies between them."""
