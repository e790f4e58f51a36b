Feature: Rule 7 - the tier comes from the money spent in the previous 365 days
  The member's tier is the highest tier whose threshold is at or below the money spent (paid in
  money, not points) in the previous 365 days, net of returns, evaluated before the purchase.
  Its multiplier multiplies the rate of every line.

  Reference programme (basic.yaml): base from 0.00 (x1), silver from 20000.00 (x1.25), gold from
  50000.00 (x1.5); base rate 5%, dairy 7%, fresh 10%.

  Background:
    Given the programme configuration "basic.yaml"

  Scenario Outline: <spend> spent makes the member <tier>
    1000.00 x 5% x <multiplier> = <raw>, floor <points>.
    Given a member with a balance of 0 points and <spend> spent in the previous 365 days
    And the basket:
      | sku   | category | quantity | amount  |
      | BREAD | bakery   | 1        | 1000.00 |
    When the member buys the basket
    Then the purchase is calculated at tier <tier>
    And line 1 has a multiplier of <multiplier>
    And the receipt earns <points> points

    Examples:
      | spend     | tier   | multiplier | raw  | points |
      | 0.00      | base   | 1          | 50   | 50     |
      | 19999.99  | base   | 1          | 50   | 50     |
      | 20000.00  | silver | 1.25       | 62.5 | 62     |
      | 49999.99  | silver | 1.25       | 62.5 | 62     |
      | 50000.00  | gold   | 1.5        | 75   | 75     |
      | 120000.00 | gold   | 1.5        | 75   | 75     |

  Scenario: The tier multiplies every line, category rates included
    Gold: 100.00 x 7% x 1.5 = 10.5 and 100.00 x 10% x 1.5 = 15; floor(25.5) = 25, split
    10.29 : 14.71 -> 10 and 14, the spare point to line 2: 10, 15.
    Given a member with a balance of 0 points and 60000.00 spent in the previous 365 days
    And the basket:
      | sku    | category | quantity | amount |
      | MILK   | dairy    | 1        | 100.00 |
      | APPLES | fresh    | 1        | 100.00 |
    When the member buys the basket
    Then the purchase is calculated at tier gold
    And the receipt earns 25 points
    And the lines earn 10, 15 points

  Scenario: The tier is evaluated before the purchase
    19500.00 spent: the purchase is at base (50 points) though it brings the spend to 20500.00;
    the next purchase is at silver: 1000.00 x 5% x 1.25 = 62.5, floor 62. Balance 50 + 62 = 112.
    Given a member with a balance of 0 points and 19500.00 spent in the previous 365 days
    And the basket:
      | sku   | category | quantity | amount  |
      | BREAD | bakery   | 1        | 1000.00 |
    When the member buys the basket
    Then the purchase is calculated at tier base
    And the receipt earns 50 points
    And the member's 365-day spend is 20500.00
    And the member's tier is now silver
    When the member buys the basket
    Then the purchase is calculated at tier silver
    And the receipt earns 62 points
    And the balance is 112

  Scenario: Only money counts toward the tier, not points
    19200.00 spent; a 1000.00 check of which 500.00 is paid with points adds 500.00: 19700.00,
    still base. Earned: 500.00 x 5% = 25. Balance 1000 - 500 + 25 = 525.
    Given a member with a balance of 1000 points and 19200.00 spent in the previous 365 days
    And the basket:
      | sku   | category | quantity | amount  |
      | BREAD | bakery   | 1        | 1000.00 |
    When the member buys the basket redeeming 500 points
    Then the receipt earns 25 points
    And the member's 365-day spend is 19700.00
    And the member's tier is base
    And the balance is 525

  Scenario: A return takes its money back off the spend
    19500.00 + 1000.00 = 20500.00 makes the member silver; returning the purchase takes the
    1000.00 off again (19500.00, base) and reverses its 50 points.
    Given a member with a balance of 0 points and 19500.00 spent in the previous 365 days
    And the basket:
      | sku   | category | quantity | amount  |
      | BREAD | bakery   | 1        | 1000.00 |
    When the member buys the basket
    Then the member's tier is silver
    When the member returns line 1 in full
    Then the return reverses 50 points
    And the member's 365-day spend is 19500.00
    And the member's tier is base
    And the balance is 0

  Scenario: A programme without tiers
    No tier, no tier multiplier: 1000.00 x 5% = 50.
    Given the programme configuration:
      """yaml
      program: No tiers
      timezone: Europe/Moscow
      earn: {base_rate: 5}
      """
    And a member with a balance of 0 points and 90000.00 spent in the previous 365 days
    And the basket:
      | sku   | category | quantity | amount  |
      | BREAD | bakery   | 1        | 1000.00 |
    When the member buys the basket
    Then the member has no tier
    And line 1 has a multiplier of 1
    And the receipt earns 50 points
