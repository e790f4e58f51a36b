Feature: One meaning of "N days" and the tier window (ledger-backed)
  Days are calendar days in the programme's time zone: points earned on local day D with
  `expiry_days: N` are valid through the end of local day D+N, and money paid on local day S
  counts toward the tier through the end of local day S+365. The zone of the clock the core is
  handed, or a DST change in between, changes nothing. A return counts with its purchase: once
  the purchase has left the window, returning it does not take the window's spend below zero.

  Scenario: A DST change moves no expiry, under a local clock or a UTC one
    Moscow kept summer time in 1997: MSK (UTC+3) in January, MSD (UTC+4) from 30 March.
    1220.00 x 5% = 61 points earned on 1997-01-30 at 10:09 MSK, expiry_days 180: valid through
    the end of local day 1997-07-29. At 10:46 MSD that day (06:46 UTC) they are still there,
    though 180 wall-clock days had passed at 10:09 MSD and 180 x 24 hours at 07:09 UTC (11:09
    MSD); they expire at midnight Moscow time, 20:00 UTC.
    Given the programme configuration:
      """yaml
      program: Days
      timezone: Europe/Moscow
      earn: {base_rate: 5}
      expiry_days: 180
      """
    And today is 1997-01-30 10:09 Europe/Moscow
    And a member enrolled with phone "+7 916 555-01-21"
    And the basket:
      | sku   | category | quantity | amount  |
      | BREAD | bakery   | 1        | 1220.00 |
    When the member buys the basket
    Then the balance is 61
    Given today is 1997-07-29 10:46 Europe/Moscow
    When the expiry job runs
    Then 0 points have expired
    And the balance is 61
    Given today is 1997-07-29 06:46 UTC
    When the expiry job runs
    Then 0 points have expired
    And the balance is 61
    Given today is 1997-07-29 19:59 UTC
    When the expiry job runs
    Then 0 points have expired
    Given today is 1997-07-29 20:00 UTC
    When the expiry job runs
    Then 61 points have expired
    And the balance is 0

  Scenario: A return after its purchase left the window does not make the spend negative
    20000.00 on day 0 makes the member silver. It counts through the end of day 365 and leaves
    the window when day 366 begins (spend 0.00, base). Returning half of it then reverses its
    points (1000 x 1/2 = 500) but takes nothing off the spend: that money already left it.
    Given the programme configuration:
      """yaml
      program: Window
      timezone: Europe/Moscow
      earn: {base_rate: 5}
      tiers:
        - {code: base, threshold: "0.00"}
        - {code: silver, threshold: "20000.00", multiplier: 1.25}
      """
    And a member enrolled with phone "+7 916 555-01-22"
    And the basket:
      | sku | category | quantity | amount   |
      | TV  | tech     | 2        | 20000.00 |
    When the member buys the basket
    Then the receipt earns 1000 points
    And the member's tier is silver
    When 365 days later
    Then the member's 365-day spend is 20000.00
    When 1 day later
    Then the member's 365-day spend is 0.00
    And the member's tier is base
    When the member returns 1 of line 1
    Then the return reverses 500 points
    And the member's 365-day spend is 0.00
    And the member's tier is base
    And the balance is 500

  Scenario: A return inside the window takes its money off the spend
    Given the programme configuration:
      """yaml
      program: Window
      timezone: Europe/Moscow
      earn: {base_rate: 5}
      tiers:
        - {code: base, threshold: "0.00"}
        - {code: silver, threshold: "20000.00", multiplier: 1.25}
      """
    And a member enrolled with phone "+7 916 555-01-23"
    And the basket:
      | sku | category | quantity | amount   |
      | TV  | tech     | 2        | 20000.00 |
    When the member buys the basket
    And 365 days later
    And the member returns 1 of line 1
    Then the member's 365-day spend is 10000.00
    And the member's tier is base

  Scenario: The lowest tier applies whatever the spend
    The lowest tier starts at 5000.00, but a member who spent less still has it: 1000.00 x 5% x 2 = 100.
    Given the programme configuration:
      """yaml
      program: Club
      timezone: Europe/Moscow
      earn: {base_rate: 5}
      tiers:
        - {code: club, threshold: "5000.00", multiplier: 2}
        - {code: vip, threshold: "50000.00", multiplier: 3}
      """
    And a member with a balance of 0 points and 100.00 spent in the previous 365 days
    And the basket:
      | sku   | category | quantity | amount  |
      | BREAD | bakery   | 1        | 1000.00 |
    When the member buys the basket
    Then the purchase is calculated at tier club
    And the receipt earns 100 points
