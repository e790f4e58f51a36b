Feature: Rule 1 - redemption comes first
  A member may pay part of a check with points: at most max_share% of the check, never more
  than the balance, and nothing below min_points. The value paid with points is spread over the
  lines in proportion to their amounts, to the cent.

  Background:
    Given the programme configuration "basic.yaml"

  Scenario: Redeeming up to half of the check
    1000.00 x 50% / 1.00 = 500 points at most. 500.00 split 300:700 -> 150.00 and 350.00.
    Earn: (300 - 150) x 7% = 10.5 and (700 - 350) x 5% = 17.5, floor(28.0) = 28, split 11 / 17
    (equal remainders: the first line gets the spare point). Balance 1000 - 500 + 28 = 528.
    Given a member with 1000 points
    And the basket
      | sku   | category | quantity | amount |
      | MILK  | dairy    | 2        | 300.00 |
      | BREAD | bread    | 1        | 700.00 |
    When the member buys the basket redeeming 500 points
    Then at most 500 points can be redeemed
    And the redeemed value is 500.00
    And line 1 pays 150.00 with points
    And line 2 pays 350.00 with points
    And the receipt earns 28 points
    And line 1 earns 11 points
    And line 2 earns 17 points
    And the balance is 528

  Scenario: Asking for more than half of the check is refused
    Given a member with 1000 points
    And the basket
      | sku   | category | quantity | amount |
      | BREAD | bread    | 1        | 1000.00 |
    When the member buys the basket redeeming 501 points
    Then the purchase is refused because "cannot redeem 501 points: at most 500 points"
    And the balance is 1000

  Scenario: The balance caps redemption
    Given a member with 120 points
    And the basket
      | sku   | category | quantity | amount  |
      | BREAD | bread    | 1        | 1000.00 |
    When the member buys the basket redeeming 121 points
    Then the purchase is refused because "the balance is 120"

  Scenario: Below the minimum nothing can be redeemed
    min(8, floor(1000 x 50%)) = 8 is below min_points 10, so 0 may be redeemed.
    Given a member with 8 points
    And the basket
      | sku   | category | quantity | amount  |
      | BREAD | bread    | 1        | 1000.00 |
    When the member buys the basket redeeming 5 points
    Then the purchase is refused because "at most 8 are available, below the minimum of 10 points"
    When the member buys the basket
    Then at most 0 points can be redeemed
