"""The stores' daily till totals (all sales, with and without a card): the denominator of the
share of sales with a card, which the ledger alone cannot give."""
