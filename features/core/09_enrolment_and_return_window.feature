Feature: Enrolment at the till and the return window (ledger-backed)
  A customer enrols at the till with a phone number: it is stored in E.164 form (+7...), the
  member gets a 13-digit card, and a second enrolment with the same phone, written any other
  way, is refused naming the duplicate. A return later than `returns.window_days` after the
  purchase (30 in basic.yaml) is refused; on the 30th day it is still accepted.

  Background:
    Given the programme configuration "basic.yaml"

  Scenario: Enrolment stores the phone in E.164 form and issues a card
    When a customer enrols at the till with phone "8 (916) 555-01-02"
    Then the member is enrolled with phone "+79165550102"
    And the balance is 0

  Scenario: A phone already enrolled is refused, however it is written
    Given a member enrolled with phone "+7 916 555-01-02"
    When a customer enrols at the till with phone "8 916 555 01 02"
    Then the enrolment is refused because "a member with phone +79165550102 already exists"

  Scenario: A return on the 30th day is accepted, on the 31st refused
    1000.00 x 5% = 50 points; returning the line on day 30 reverses them.
    Given a member enrolled with phone "+7 916 555-01-03"
    And the basket:
      | sku   | category | quantity | amount  |
      | BREAD | bakery   | 2        | 1000.00 |
    When the member buys the basket
    And 30 days later
    And the member returns 1 of line 1
    Then the return reverses 25 points
    When 1 day later
    And the member returns 1 of line 1
    Then the return is refused because "older than the 30-day return window"
    And the balance is 25
