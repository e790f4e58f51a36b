Feature: Paying with points
  A member may pay up to half of a check with points (1 point = 1.00), at least 100 points at a
  time; no points are earned on the part paid with points; the cashier sees, before payment,
  how many points the member can spend on this check.

  Background:
    Given the configuration under test

  @REQ-6
  Scenario: Half of a check can be paid with points
    At most min(1000, floor(1000.00 x 50%)) = 500 points. They pay 500.00; the rest earns
    (1000.00 - 500.00) x 3% = 15. Balance 1000 - 500 + 15 = 515.
    Given a member with a balance of 1000 points
    And the basket:
      | sku       | category | quantity | amount  |
      | BUCKWHEAT | grocery  | 10       | 1000.00 |
    When the member buys the basket redeeming 500 points
    Then at most 500 points can be redeemed
    And the redeemed value is 500.00
    And the receipt earns 15 points
    And the balance is 515

  @REQ-7
  Scenario: Fewer than 100 points cannot be redeemed
    Given a member with a balance of 1000 points
    And the basket:
      | sku       | category | quantity | amount  |
      | BUCKWHEAT | grocery  | 10       | 1000.00 |
    When the member buys the basket redeeming 99 points
    Then the purchase is refused because "at least 100 points must be redeemed at once"
    And the balance is 1000

  @REQ-7 @REQ-29
  Scenario: With fewer than 100 points nothing is redeemable
    Given a member with a balance of 80 points
    And the basket:
      | sku       | category | quantity | amount  |
      | BUCKWHEAT | grocery  | 10       | 1000.00 |
    When the cashier asks for a quote
    Then at most 0 points can be redeemed

  @REQ-8
  Scenario: No points are earned on the part paid with points
    300 points pay 300.00 of 1000.00: the earn base is 700.00, 700.00 x 3% = 21.
    Given a member with a balance of 1000 points
    And the basket:
      | sku       | category | quantity | amount  |
      | BUCKWHEAT | grocery  | 10       | 1000.00 |
    When the member buys the basket redeeming 300 points
    Then line 1 has an earn base of 700.00
    And the receipt earns 21 points
    And the balance is 721

  @REQ-29
  Scenario: The cashier sees the maximum redeemable before payment
    The member holds 250 points, less than the share of the check: all 250 can be spent. The
    quote also shows what the check earns (1000.00 x 3% + 1000.00 x 5% = 80) and changes nothing.
    Given a member with a balance of 250 points
    And the basket:
      | sku       | category | quantity | amount  |
      | BUCKWHEAT | grocery  | 10       | 1000.00 |
      | APPLES    | fresh    | 5        | 1000.00 |
    When the cashier asks for a quote
    Then at most 250 points can be redeemed
    And the receipt earns 80 points
    And the balance is 250
