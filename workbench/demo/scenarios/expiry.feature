@REQ-10
Feature: Points expire after 365 days
  Points earned on a day are valid through the end of that day + 365 (days in the programme's
  time zone); the nightly job writes the expiries off, and a purchase never spends points that
  are past their date.
  (The member is enrolled at the till, so these run on the core's ledger.)

  Background:
    Given the configuration under test
    And a member enrolled with phone "+7 916 555-02-01"
    And the basket:
      | sku       | category | quantity | amount  |
      | BUCKWHEAT | grocery  | 10       | 1000.00 |

  Scenario: Points are still there on day 365 and expire on day 366
    1000.00 x 3% = 30 points earned on day 0.
    When the member buys the basket
    And 365 days later
    And the expiry job runs
    Then 0 points have expired
    And the balance is 30
    When 1 day later
    And the expiry job runs
    Then 30 points have expired
    And the balance is 0

  Scenario: Points past their date are gone even before the nightly job
    When the member buys the basket
    And 400 days later
    Then the balance is 0
