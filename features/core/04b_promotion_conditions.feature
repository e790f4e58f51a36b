Feature: Rule 4 - the conditions of a promotion
  A promotion applies only when every one of its conditions holds: date range, weekdays (in the
  programme's time zone), stores, directions, categories, minimum check, member tier, birthday
  window. The reason says what held, or names the condition that did not.

  Background:
    Given the programme configuration:
      """yaml
      program: Promotion conditions
      timezone: Europe/Moscow
      earn: {base_rate: 5}
      promotions:
        - {code: WEEKEND2X, kind: multiplier, multiplier: 2, conditions: {weekdays: [sat, sun]}}
        - {code: MARCH_WEEK, kind: extra_points, points: 20, conditions: {date_from: 2026-03-01, date_to: 2026-03-08}}
        - {code: R02_ONLY, kind: extra_points, points: 10, conditions: {stores: [R02]}}
        - {code: WHOLESALE, kind: multiplier, multiplier: 1.5, conditions: {directions: [wholesale]}}
        - {code: BIRTHDAY, kind: extra_points, points: 100, conditions: {birthday_window_days: 3}}
      """
    And a member with a balance of 0 points
    And the store "R01" of the retail direction
    And the basket:
      | sku   | category | quantity | amount  |
      | BREAD | bakery   | 1        | 1000.00 |

  Scenario: A Friday in store R01 (retail) with no birthday on file
    1000.00 x 5% = 50, plus MARCH_WEEK's 20 = 70; nothing else holds.
    Given it is 2026-03-06 (Friday) 12:00 in the store's time zone
    When the member buys the basket
    Then the receipt earns 70 points
    And promotion MARCH_WEEK is applied
    And promotion WEEKEND2X is not applied because "weekday fri not in sat, sun"
    And promotion R02_ONLY is not applied because "store R01 not in R02"
    And promotion WHOLESALE is not applied because "direction retail not in wholesale"
    And promotion BIRTHDAY is not applied because "member's birthday unknown"

  Scenario: The weekday is the store's, not the server's
    22:30 UTC on Friday 6 March is 01:30 on Saturday 7 March in Moscow (UTC+3): the weekend
    doubles the rate. 1000.00 x 5% x 2 = 100, plus 20 = 120.
    Given today is 2026-03-06 (Friday) at 22:30 UTC
    When the member buys the basket
    Then promotion WEEKEND2X is applied
    And the receipt earns 120 points

  Scenario: Multipliers of several promotions multiply each other
    A wholesale store on a Saturday: 1000.00 x 5% x 2 x 1.5 = 150, plus 20 = 170.
    Given the store "W01" of the wholesale direction
    And it is 2026-03-07 (Saturday) 12:00 in the store's time zone
    When the member buys the basket
    Then promotion WEEKEND2X is applied
    And promotion WHOLESALE is applied
    And line 1 has a multiplier of 3
    And the receipt earns 170 points

  Scenario: A promotion limited to one store
    Store R02 on a Tuesday after the March week: 50 + 10 = 60.
    Given the store "R02" of the retail direction
    And it is 2026-03-10 (Tuesday) 12:00 in the store's time zone
    When the member buys the basket
    Then promotion R02_ONLY is applied
    And promotion MARCH_WEEK is not applied because "ended 2026-03-08"
    And the receipt earns 60 points

  Scenario Outline: The date range includes both its ends (<day>, <weekday>)
    Given it is <day> (<weekday>) 12:00 in the store's time zone
    When the member buys the basket
    Then promotion MARCH_WEEK is <march week>
    And the receipt earns <points> points

    Examples: 1000.00 x 5% = 50, x2 at the weekend, +20 in the March week
      | day        | weekday  | march week  | points |
      | 2026-02-28 | Saturday | not applied | 100    |
      | 2026-03-01 | Sunday   | applied     | 120    |
      | 2026-03-04 | Wednesday| applied     | 70     |
      | 2026-03-08 | Sunday   | applied     | 120    |
      | 2026-03-09 | Monday   | not applied | 50     |

  Scenario Outline: A birthday window of 3 days either side (birthday <birthday>)
    On Thursday 5 March 2026: 50 + 20 (March week) = 70, plus 100 within the window.
    Given it is 2026-03-05 (Thursday) 12:00 in the store's time zone
    And the member's birthday is <birthday>
    When the member buys the basket
    Then promotion BIRTHDAY is <birthday offer>
    And the receipt earns <points> points

    Examples:
      | birthday   | birthday offer                                          | points |
      | 1990-03-08 | applied                                                 | 170    |
      | 1990-03-02 | applied                                                 | 170    |
      | 1990-03-05 | applied                                                 | 170    |
      | 1990-03-09 | not applied because "birthday 4 days away (window 3)"   | 70     |
      | 1990-03-01 | not applied because "birthday 4 days away (window 3)"   | 70     |

  Scenario: The birthday window crosses the new year, and 29 February counts as 28 February
    On 1 January 2026 a birthday on 30 December is 2 days away: 50 + 100 = 150.
    On 2 March 2026 a 29 February birthday falls on 28 February 2026, 2 days away: 50 + 20 + 100 = 170.
    Given it is 2026-01-01 (Thursday) 12:00 in the store's time zone
    And the member's birthday is 1985-12-30
    When the member buys the basket
    Then promotion BIRTHDAY is applied
    And the receipt earns 150 points
    Given it is 2026-03-02 (Monday) 12:00 in the store's time zone
    And the member's birthday is 2000-02-29
    When the member buys the basket
    Then promotion BIRTHDAY is applied
    And the receipt earns 170 points
