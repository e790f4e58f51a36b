Feature: Rule 1 - redemption comes first
  A member may pay part of a check with points, before anything is earned:
    max_redeemable = min(balance, floor(check_total x max_share% / point_value)),
  which is 0 when below min_points. Asking for more, or for fewer than min_points (but more
  than 0), is refused with the reason. The redeemed value (points x point_value) is spread over the
  lines in proportion to their amounts, to the cent, by largest remainder (ties to the earlier line).

  The reference programme (features/configs/basic.yaml): a point pays 1.00, at most 50% of the
  check, at least 10 points at once; base rate 5%, dairy 7%; rounding down once per receipt.

  Background:
    Given the programme configuration "basic.yaml"

  Scenario: Redeeming up to half of the check
    The check is 300.00 + 700.00 = 1000.00: at most min(1000, floor(1000.00 x 50% / 1.00)) = 500.
    500 points = 500.00, split 300:700 -> 150.00 and 350.00; the earn bases are 150.00 and 350.00.
    Earned: 150.00 x 7% = 10.5 and 350.00 x 5% = 17.5; floor(28.0) = 28, split 10.5:17.5 ->
    10 and 17 plus the spare point to the earlier of two equal remainders: 11 and 17.
    Balance: 1000 - 500 + 28 = 528.
    Given a member with a balance of 1000 points
    And the basket:
      | sku   | category | quantity | amount |
      | MILK  | dairy    | 2        | 300.00 |
      | BREAD | bakery   | 1        | 700.00 |
    When the member buys the basket redeeming 500 points
    Then at most 500 points can be redeemed
    And the redeemed value is 500.00
    And line 1 pays 150.00 with points
    And line 2 pays 350.00 with points
    And line 1 has an earn base of 150.00
    And line 2 has an earn base of 350.00
    And the receipt earns 28 points
    And the lines earn 11, 17 points
    And the balance is 528

  Scenario: Asking for more than the share of the check is refused
    At most floor(1000.00 x 50% / 1.00) = 500 points; 501 is refused and nothing changes.
    Given a member with a balance of 1000 points
    And the basket:
      | sku   | category | quantity | amount  |
      | BREAD | bakery   | 1        | 1000.00 |
    When the member buys the basket redeeming 501 points
    Then the purchase is refused because "cannot redeem 501 points: at most 500 points (50% of the check 1000.00 at 1.00 per point)"
    And the balance is 1000

  Scenario: The balance caps redemption
    The share would allow 500 points, the balance only 120: min(120, 500) = 120.
    Redeeming all 120: earn base 1000.00 - 120.00 = 880.00, x 5% = 44. Balance 120 - 120 + 44 = 44.
    Given a member with a balance of 120 points
    And the basket:
      | sku   | category | quantity | amount  |
      | BREAD | bakery   | 1        | 1000.00 |
    When the member buys the basket redeeming 121 points
    Then the purchase is refused because "cannot redeem 121 points: the balance is 120"
    When the member buys the basket redeeming 120 points
    Then at most 120 points can be redeemed
    And the receipt earns 44 points
    And the balance is 44

  Scenario: Below the minimum nothing can be redeemed
    min(8, 500) = 8 is below min_points 10, so max_redeemable is 0: the 8 points wait.
    Without redemption: 1000.00 x 5% = 50. Balance 8 + 50 = 58.
    Given a member with a balance of 8 points
    And the basket:
      | sku   | category | quantity | amount  |
      | BREAD | bakery   | 1        | 1000.00 |
    When the member buys the basket redeeming 5 points
    Then the purchase is refused because "at most 8 are available, below the minimum of 10 points that can be redeemed"
    When the member buys the basket
    Then at most 0 points can be redeemed
    And the receipt earns 50 points
    And the balance is 58

  Scenario: Fewer than the minimum at once is refused even when more are available
    500 points are redeemable, but a redemption of 1 to 9 points is refused; 10 is fine:
    (1000.00 - 10.00) x 5% = 49.5, floor 49. Balance 500 - 10 + 49 = 539.
    Given a member with a balance of 500 points
    And the basket:
      | sku   | category | quantity | amount  |
      | BREAD | bakery   | 1        | 1000.00 |
    When the member buys the basket redeeming 5 points
    Then the purchase is refused because "at least 10 points must be redeemed at once (asked 5)"
    When the member buys the basket redeeming 10 points
    Then the receipt earns 49 points
    And the balance is 539

  Scenario: Another point value and share; the value is split to the cent by largest remainder
    A point pays 0.50, at most 30% of the check: floor(300.00 x 30% / 0.50) = floor(180) = 180.
    100 points = 50.00 = 5000 cents over three equal lines: 1666.67 cents each, floors 1666 x 3 =
    4998, the 2 cents left go to the earlier lines (equal remainders): 16.67, 16.67 and 16.66.
    Earn bases 83.33, 83.33, 83.34; x 5% = 4.1665 + 4.1665 + 4.1670 = 12.5, floor 12, split
    3.99984 : 3.99984 : 4.00032 -> 3, 3, 4 plus the 2 spare points to lines 1 and 2: 4, 4, 4.
    Balance 1000 - 100 + 12 = 912.
    Given the programme configuration:
      """yaml
      program: Half-rouble points
      timezone: Europe/Moscow
      earn: {base_rate: 5}
      redemption: {point_value: "0.50", max_share: 30}
      """
    And a member with a balance of 1000 points
    And the basket:
      | sku  | category | quantity | amount |
      | LOAF | bakery   | 1        | 100.00 |
      | BUNS | bakery   | 1        | 100.00 |
      | CAKE | bakery   | 1        | 100.00 |
    When the member buys the basket redeeming 181 points
    Then the purchase is refused because "at most 180 points (30% of the check 300.00 at 0.50 per point)"
    When the member buys the basket redeeming 100 points
    Then at most 180 points can be redeemed
    And the redeemed value is 50.00
    And line 1 pays 16.67 with points
    And line 2 pays 16.67 with points
    And line 3 pays 16.66 with points
    And the receipt earns 12 points
    And the lines earn 4, 4, 4 points
    And the balance is 912
