"""The demo client: a retail + wholesale chain with its loyalty programme and purchase history."""
