Feature: Rule 6 - returns reverse exactly what a line earned and redeemed
  Each return reverses the line's points in proportion to the quantity returned, half-up, on
  the cumulative quantity, so returning a whole line in parts never drifts.

  Background:
    Given the programme configuration "basic.yaml"

  Scenario: Three partial returns of a line of three
    99.99 x 5% = 4.9995, floor 4. Cumulative: half-up(4 x 1/3) = 1, half-up(4 x 2/3) = 3, 4:
    the returns reverse 1, 2 and 1 - exactly the 4 earned.
    Given a member with 0 points
    And the basket
      | sku  | category | quantity | amount |
      | TEA  | bread    | 3        | 99.99  |
    When the member buys the basket
    Then the receipt earns 4 points
    When the member returns 1 of line 1
    Then the return reverses 1 points and gives back 0 redeemed points
    When the member returns 1 of line 1
    Then the return reverses 2 points and gives back 0 redeemed points
    When the member returns 1 of line 1
    Then the return reverses 1 points and gives back 0 redeemed points
    And the balance is 0
    When the member returns 1 of line 1
    Then the return is refused because "only 0 of 3 left"

  Scenario: A return gives back the points that paid for the line
    Redeem 100 of 100 points on 300.00: points split 200:100 -> 67 / 33 (largest remainder),
    value 66.67 / 33.33. Earn: 133.33 x 7% = 9.3331 and 66.67 x 5% = 3.3335, floor 12, split 9 / 3.
    Returning 1 of 2 milk: half-up(9/2) = 5 reversed, half-up(67/2) = 34 given back: 12 - 5 + 34 = 41.
    The second: 9 - 5 = 4 reversed, 67 - 34 = 33 given back: 41 - 4 + 33 = 70.
    Given a member with 100 points
    And the basket
      | sku   | category | quantity | amount |
      | MILK  | dairy    | 2        | 200.00 |
      | BREAD | bread    | 1        | 100.00 |
    When the member buys the basket redeeming 100 points
    Then line 1 earns 9 points
    And the balance is 12
    When the member returns 1 of line 1
    Then the return reverses 5 points and gives back 34 redeemed points
    And the balance is 41
    When the member returns 1 of line 1
    Then the return reverses 4 points and gives back 33 redeemed points
    And the balance is 70
