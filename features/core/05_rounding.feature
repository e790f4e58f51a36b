Feature: Rule 5 - receipt points are rounded once per receipt, then spread over the lines
  receipt points = round(sum over lines of base x rate% x multipliers) + extra points, rounded
  once per receipt with the configured mode: floor (the default), ceil, half_up (a half goes up)
  or half_even (a half goes to the even neighbour). The receipt's points are then split over the
  lines by largest remainder, in proportion to each line's unrounded points.

  Background:
    Given the programme configuration:
      """yaml
      program: Rounding
      timezone: Europe/Moscow
      earn:
        base_rate: 5
        category_rates: {dairy: 7}
      """
    And a member with a balance of 0 points

  Scenario Outline: <amount> x 5% = <raw> is <points> points with <mode>
    Given the rounding mode is <mode>
    And the basket:
      | sku   | category | quantity | amount   |
      | BREAD | bakery   | 1        | <amount> |
    When the member buys the basket
    Then the receipt earns <points> points

    Examples: exactly a half
      | amount | raw  | mode      | points |
      | 250.00 | 12.5 | floor     | 12     |
      | 250.00 | 12.5 | ceil      | 13     |
      | 250.00 | 12.5 | half_up   | 13     |
      | 250.00 | 12.5 | half_even | 12     |

    Examples: a half above an odd number
      | amount | raw  | mode      | points |
      | 270.00 | 13.5 | floor     | 13     |
      | 270.00 | 13.5 | ceil      | 14     |
      | 270.00 | 13.5 | half_up   | 14     |
      | 270.00 | 13.5 | half_even | 14     |

    Examples: below a half
      | amount | raw  | mode      | points |
      | 246.00 | 12.3 | floor     | 12     |
      | 246.00 | 12.3 | ceil      | 13     |
      | 246.00 | 12.3 | half_up   | 12     |
      | 246.00 | 12.3 | half_even | 12     |

    Examples: above a half
      | amount | raw  | mode      | points |
      | 258.00 | 12.9 | floor     | 12     |
      | 258.00 | 12.9 | ceil      | 13     |
      | 258.00 | 12.9 | half_up   | 13     |
      | 258.00 | 12.9 | half_even | 13     |

  Scenario: The default mode is floor
    The programme names no rounding: 258.00 x 5% = 12.9 is 12 points.
    Given the basket:
      | sku   | category | quantity | amount |
      | BREAD | bakery   | 1        | 258.00 |
    When the member buys the basket
    Then the receipt earns 12 points

  Scenario Outline: Rounded once per receipt, not line by line (<mode>)
    Three lines of 13.00 x 5% = 0.65 each: 1.95 for the receipt. Rounding each line down would
    give 0; the receipt gives floor(1.95) = 1, or 2 rounding up / half up. Equal lines share the
    points from the first line on.
    Given the rounding mode is <mode>
    And the basket:
      | sku  | category | quantity | amount |
      | BUN1 | bakery   | 1        | 13.00  |
      | BUN2 | bakery   | 1        | 13.00  |
      | BUN3 | bakery   | 1        | 13.00  |
    When the member buys the basket
    Then the receipt earns <points> points
    And the lines earn <lines> points

    Examples:
      | mode      | points | lines   |
      | floor     | 1      | 1, 0, 0 |
      | ceil      | 2      | 1, 1, 0 |
      | half_up   | 2      | 1, 1, 0 |
      | half_even | 2      | 1, 1, 0 |

  Scenario: The receipt's points are split over the lines by largest remainder
    33.00 x 5% = 1.65; 47.00 x 5% = 2.35; 120.00 x 7% = 8.4: 12.4, floor 12.
    Quotas 12 x 1.65 / 12.4 = 1.597; 12 x 2.35 / 12.4 = 2.274; 12 x 8.4 / 12.4 = 8.129:
    floors 1, 2, 8 = 11; the spare point to the largest remainder (line 1, 0.597): 2, 2, 8.
    Given the basket:
      | sku  | category | quantity | amount |
      | BUNS | bakery   | 1        | 33.00  |
      | LOAF | bakery   | 1        | 47.00  |
      | MILK | dairy    | 1        | 120.00 |
    When the member buys the basket
    Then the receipt earns 12 points
    And the lines earn 2, 2, 8 points

  Scenario Outline: Extra points are added after rounding (<mode>)
    250.00 x 5% = 12.5 rounds to <rounded>, then PLUS7 adds 7: <points>.
    Given the programme configuration:
      """yaml
      program: Rounding then extra points
      timezone: Europe/Moscow
      rounding: <mode>
      earn: {base_rate: 5}
      promotions:
        - {code: PLUS7, kind: extra_points, points: 7}
      """
    And the basket:
      | sku   | category | quantity | amount |
      | BREAD | bakery   | 1        | 250.00 |
    When the member buys the basket
    Then promotion PLUS7 is applied
    And the receipt earns <points> points

    Examples:
      | mode  | rounded | points |
      | floor | 12      | 19     |
      | ceil  | 13      | 20     |
