"""Forecast of future activity: BG/NBD (how many purchases, is the member still alive) and
Gamma-Gamma (how much per purchase), both fitted by maximum likelihood."""
