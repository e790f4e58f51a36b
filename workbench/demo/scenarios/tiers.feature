@REQ-9
Feature: Tiers by the money spent in the last 365 days
  Silver from 30000.00 spent in the previous 365 days (x1.25), gold from 100000.00 (x1.5); the
  tier is decided before the purchase.

  Background:
    Given the configuration under test

  Scenario Outline: A 1000.00 grocery check at <spend> spent earns at tier <tier>
    1000.00 x 3% = 30 points, times the tier's multiplier, rounded down.
    Given a member with a balance of 0 points and <spend> spent in the previous 365 days
    And the basket:
      | sku       | category | quantity | amount  |
      | BUCKWHEAT | grocery  | 10       | 1000.00 |
    When the member buys the basket
    Then the purchase is calculated at tier <tier>
    And the receipt earns <points> points

    Examples:
      | spend     | tier   | points |
      | 29999.99  | base   | 30     |
      | 30000.00  | silver | 37     |
      | 100000.00 | gold   | 45     |

  Scenario: The purchase that crosses the threshold still earns at the old tier
    29500.00 spent: base. The 1000.00 check earns 30 at base; afterwards the member is silver.
    Given a member with a balance of 0 points and 29500.00 spent in the previous 365 days
    And the basket:
      | sku       | category | quantity | amount  |
      | BUCKWHEAT | grocery  | 10       | 1000.00 |
    When the member buys the basket
    Then the purchase is calculated at tier base
    And the receipt earns 30 points
    And the member's tier is now silver
