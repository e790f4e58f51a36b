Feature: Promotions
  The birthday offer, fresh produce at weekends, the launch of the new programme in the pilot
  stores, and the big-basket bonus.

  Background:
    Given the configuration under test
    And a member with a balance of 0 points

  @REQ-13
  Scenario: Points are doubled within 7 days of the birthday
    The birthday is on 5 March; on 3 March the 1000.00 check earns 30 x 2 = 60.
    Given the member's birthday is 1990-03-05
    And today is 2026-03-03 (Tuesday)
    And the basket:
      | sku       | category | quantity | amount  |
      | BUCKWHEAT | grocery  | 10       | 1000.00 |
    When the member buys the basket
    Then promotion BIRTHDAY is applied
    And the receipt earns 60 points

  @REQ-14
  Scenario: Fresh produce earns double at the weekend
    Saturday: 1000.00 x 5% x 2 = 100.
    Given today is 2026-03-07 (Saturday)
    And the basket:
      | sku    | category | quantity | amount  |
      | APPLES | fresh    | 5        | 1000.00 |
    When the member buys the basket
    Then promotion FRESH_WEEKEND is applied
    And the receipt earns 100 points

  @REQ-14
  Scenario: Fresh produce earns the usual 5% on a weekday
    Given today is 2026-03-03 (Tuesday)
    And the basket:
      | sku    | category | quantity | amount  |
      | APPLES | fresh    | 5        | 1000.00 |
    When the member buys the basket
    Then promotion FRESH_WEEKEND is not applied
    And the receipt earns 50 points

  @REQ-16
  Scenario: The launch triples points in a pilot store in December 2026, and nothing else applies
    Saturday 5 December in pilot store R001: x3 on every line, exclusive, so the weekend offer
    does not add to it: 1000.00 x 5% x 3 + 1000.00 x 3% x 3 = 150 + 90 = 240.
    Given the store "R001" of the retail direction
    And today is 2026-12-05 (Saturday)
    And the basket:
      | sku       | category | quantity | amount  |
      | APPLES    | fresh    | 5        | 1000.00 |
      | BUCKWHEAT | grocery  | 10       | 1000.00 |
    When the member buys the basket
    Then promotion PILOT_LAUNCH is applied
    And promotion FRESH_WEEKEND is not applied
    And the receipt earns 240 points

  @REQ-16
  Scenario: Outside the pilot stores the launch does not apply
    Given the store "R010" of the retail direction
    And today is 2026-12-08 (Tuesday)
    And the basket:
      | sku       | category | quantity | amount  |
      | BUCKWHEAT | grocery  | 10       | 1000.00 |
    When the member buys the basket
    Then the receipt earns 30 points

  @REQ-17
  Scenario: A retail check from 5000.00 earns 200 extra points
    5000.00 x 3% = 150, plus 200.
    Given the basket:
      | sku       | category | quantity | amount  |
      | BUCKWHEAT | grocery  | 50       | 5000.00 |
    When the member buys the basket
    Then promotion BIG_BASKET is applied
    And the receipt earns 350 points
