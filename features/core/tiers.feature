Feature: Rule 7 - the tier comes from the last 365 days' spend
  The tier is the highest whose threshold is at or below the money spent in the previous 365
  days (net of returns), evaluated before the purchase. Its multiplier applies to every line.

  Background:
    Given the programme configuration "basic.yaml"
    And a member with 0 points
    And the basket
      | sku   | category | quantity | amount  |
      | BREAD | bread    | 1        | 1000.00 |

  Scenario: Gold at 20000.00 spent
    1000.00 x 5% x 1.5 = 75.
    Given the member spent 25000.00 in the last 365 days
    When the member buys the basket
    Then the member's tier is gold
    And the receipt earns 75 points

  Scenario: One kopeck short of gold
    Given the member spent 19999.99 in the last 365 days
    When the member buys the basket
    Then the member's tier is base
    And the receipt earns 50 points
