Feature: Points accrual on a purchase
  3% of the check in general, 5% on fresh produce and bakery, nothing on tobacco, alcohol and
  gift cards; the receipt's points are rounded down once, for the whole receipt.
  (Tuesday 3 March 2026, a retail store: no weekend or big-basket promotion applies.)

  Background:
    Given the configuration under test
    And a member with a balance of 0 points

  @REQ-3
  Scenario: Base accrual is 3% of the check
    1000.00 x 3% = 30 points.
    Given the basket:
      | sku       | category | quantity | amount  |
      | BUCKWHEAT | grocery  | 10       | 1000.00 |
    When the member buys the basket
    Then line 1 earns at 3%
    And the receipt earns 30 points
    And the balance is 30

  @REQ-4
  Scenario: Fresh produce and bakery earn 5%
    400.00 x 5% = 20 and 200.00 x 5% = 10.
    Given the basket:
      | sku    | category | quantity | amount |
      | APPLES | fresh    | 2        | 400.00 |
      | LOAF   | bakery   | 4        | 200.00 |
    When the member buys the basket
    Then line 1 earns at 5%
    And line 2 earns at 5%
    And the receipt earns 30 points

  @REQ-5
  Scenario: Tobacco, alcohol and gift cards earn nothing
    Only the grocery line earns: 100.00 x 3% = 3.
    Given the basket:
      | sku       | category   | quantity | amount  |
      | CIGS      | tobacco    | 1        | 300.00  |
      | WINE      | alcohol    | 1        | 700.00  |
      | GIFT-1000 | gift_cards | 1        | 1000.00 |
      | RICE      | grocery    | 1        | 100.00  |
    When the member buys the basket
    Then the lines earn 0, 0, 0, 3 points
    And the receipt earns 3 points

  @REQ-30
  Scenario: Points are rounded down once per receipt, not per line
    Each line alone earns just under or just over 1 point (0.999, 0.999, 1.002): rounded per line
    that would be 0 + 0 + 1 = 1; rounded once, floor(3.000) = 3, split 1, 1, 1.
    Given the basket:
      | sku  | category | quantity | amount |
      | SALT | grocery  | 1        | 33.30  |
      | SODA | grocery  | 1        | 33.30  |
      | TEA  | grocery  | 1        | 33.40  |
    When the member buys the basket
    Then the receipt earns 3 points
    And the lines earn 1, 1, 1 points
