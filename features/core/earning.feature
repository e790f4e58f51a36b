Feature: Rules 2, 3 and 5 - what a receipt earns
  Points are earned on what was paid with money, at the category's rate (else the base rate,
  0 for excluded categories), rounded once per receipt, then spread over the lines.

  Background:
    Given the programme configuration "basic.yaml"
    And a member with 0 points

  Scenario: Category rate, base rate and an excluded category
    100.00 x 7% = 7 (dairy), 100.00 x 5% = 5 (bread), tobacco earns nothing.
    Given the basket
      | sku     | category | quantity | amount |
      | MILK    | dairy    | 1        | 100.00 |
      | BREAD   | bread    | 1        | 100.00 |
      | CIGS    | tobacco  | 1        | 100.00 |
    When the member buys the basket
    Then the receipt earns 12 points
    And line 1 earns 7 points
    And line 2 earns 5 points
    And line 3 earns 0 points

  Scenario: Rounding happens once per receipt, not per line
    Each line earns 10.10 x 5% = 0.505; per line that would floor to 0 three times, per
    receipt floor(1.515) = 1, given to the first line (equal remainders).
    Given the basket
      | sku | category | quantity | amount |
      | A   | bread    | 1        | 10.10  |
      | B   | bread    | 1        | 10.10  |
      | C   | bread    | 1        | 10.10  |
    When the member buys the basket
    Then the receipt earns 1 points
    And line 1 earns 1 points
    And line 2 earns 0 points

  Scenario Outline: The configured rounding mode decides the half point
    50.00 x 5% = 2.5 points.
    Given the programme configuration
      """
      program: Rounding
      rounding: <mode>
      earn: {base_rate: 5}
      """
    And the basket
      | sku   | category | quantity | amount |
      | BREAD | bread    | 1        | 50.00  |
    When the member buys the basket
    Then the receipt earns <points> points

    Examples:
      | mode      | points |
      | floor     | 2      |
      | ceil      | 3      |
      | half_up   | 3      |
      | half_even | 2      |
