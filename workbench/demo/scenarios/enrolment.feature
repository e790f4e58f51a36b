Feature: Enrolment at the till
  A customer joins the club at the till with a mobile phone number: the cashier types it in any
  usual way, the programme keeps it in one form (+7...) and issues a card at once.

  Background:
    Given the configuration under test

  @REQ-1
  Scenario: A customer enrols at the till by phone
    When a customer enrols at the till with phone "8 916 555-01-02"
    Then the member is enrolled with phone "+79165550102"
    And the balance is 0

  @REQ-2
  Scenario: A phone already enrolled is refused
    Given a member enrolled with phone "+7 916 555-01-02"
    When a customer enrols at the till with phone "8 (916) 555 01 02"
    Then the enrolment is refused because "a member with phone +79165550102 already exists"
