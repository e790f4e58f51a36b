Feature: Rule 8 — earned points expire, the points closest to expiry are spent first
  Points earned on local day D are valid through the end of local day D + `expiry_days` (365 in
  basic.yaml), days counted in the programme's time zone (Europe/Moscow). Redemptions
  consume the points closest to expiry first. The expiry job writes the expiries and is safe to
  run twice; a purchase also expires the member's due points itself, so a late job never lets
  expired points be spent.

  These scenarios run on the core's ledger (dated point buckets): the member is enrolled at the
  till first, and each scenario has a ledger of its own. The moment starts on 2026-03-03 at noon;
  "N days later" moves it on. Earn figures: bakery earns at the base rate of 5%.

  Background:
    Given the programme configuration "basic.yaml"
    And a member enrolled with phone "+7 916 555-01-01"

  Scenario: Points are valid through the end of day 365 and expire when it ends
    1000.00 x 5% = 50 points on day 0 (2026-03-03); they are still there all of day 365
    (2027-03-03, up to 23:59 Moscow time) and expire at midnight, when day 366 begins.
    Given the basket:
      | sku   | category | quantity | amount  |
      | BREAD | bakery   | 1        | 1000.00 |
    When the member buys the basket
    Then the balance is 50
    When 365 days later
    And the expiry job runs
    Then 0 points have expired
    And the balance is 50
    Given it is 2027-03-03 23:59 in the store's time zone
    When the expiry job runs
    Then 0 points have expired
    And the balance is 50
    Given it is 2027-03-04 00:00 in the store's time zone
    When the expiry job runs
    Then 50 points have expired
    And the balance is 0

  Scenario: The expiry job is safe to run twice
    Given the basket:
      | sku   | category | quantity | amount  |
      | BREAD | bakery   | 1        | 1000.00 |
    When the member buys the basket
    And 366 days later
    And the expiry job runs
    Then 50 points have expired
    When the expiry job runs
    Then 0 points have expired
    And the balance is 0

  Scenario: A redemption spends the points closest to expiry first
    Day 0 earns 50 (valid through day 365), day 100 earns 100 (through day 465). On day 200, 40 of
    them pay part of a 1000.00 check: they come out of day 0's 50, leaving 10 there; the purchase
    earns (1000.00 - 40.00) x 5% = 48 (through day 565). Balance 150 - 40 + 48 = 158. On day 366
    only the 10 left of day 0 expire (158 - 10 = 148); on day 466 day 100's 100 expire (48 left).
    Given the basket:
      | sku   | category | quantity | amount  |
      | BREAD | bakery   | 1        | 1000.00 |
    When the member buys the basket
    And 100 days later
    Given the basket:
      | sku   | category | quantity | amount  |
      | CAKE  | bakery   | 1        | 2000.00 |
    When the member buys the basket
    Then the balance is 150
    When 100 days later
    Given the basket:
      | sku   | category | quantity | amount  |
      | BREAD | bakery   | 1        | 1000.00 |
    When the member buys the basket redeeming 40 points
    Then the receipt earns 48 points
    And the balance is 158
    When 166 days later
    And the expiry job runs
    Then 10 points have expired
    And the balance is 148
    When 100 days later
    And the expiry job runs
    Then 100 points have expired
    And the balance is 48

  Scenario: Expired points cannot be spent even when the job has not run yet
    On day 366 the 50 points of day 0 are due: the purchase expires them itself, so nothing is
    left to redeem and asking for 50 is refused.
    Given the basket:
      | sku   | category | quantity | amount  |
      | BREAD | bakery   | 1        | 1000.00 |
    When the member buys the basket
    And 366 days later
    Then the balance is 0
    When the member buys the basket redeeming 50 points
    Then the purchase is refused because "cannot redeem 50 points"
