Feature: Rule 2 - points are earned only on what was paid with money
  The earn base of a line is its amount minus its share of the redeemed value: the part of a
  check paid with points earns nothing.

  Reference programme (basic.yaml): base rate 5%, dairy 7%, fresh 10%; a point pays 1.00, at most
  50% of the check; rounding down once per receipt.

  Background:
    Given the programme configuration "basic.yaml"

  Scenario: Without redemption the earn base is the line amount
    200.00 x 7% = 14 and 300.00 x 5% = 15: 29 points.
    Given a member with a balance of 0 points
    And the basket:
      | sku   | category | quantity | amount |
      | MILK  | dairy    | 1        | 200.00 |
      | BREAD | bakery   | 1        | 300.00 |
    When the member buys the basket
    Then line 1 has an earn base of 200.00
    And line 2 has an earn base of 300.00
    And the lines earn 14, 15 points
    And the receipt earns 29 points
    And the balance is 29

  Scenario: The part paid with points earns nothing
    100 points = 100.00, split 200:300 -> 40.00 and 60.00; earn bases 160.00 and 240.00.
    160.00 x 7% = 11.2 and 240.00 x 5% = 12.0: floor(23.2) = 23 points, split 11.2:12.0 ->
    quotas 11.10 and 11.90, floors 11 + 11 = 22, the spare point to the larger remainder (line 2).
    Balance 500 - 100 + 23 = 423.
    Given a member with a balance of 500 points
    And the basket:
      | sku   | category | quantity | amount |
      | MILK  | dairy    | 1        | 200.00 |
      | BREAD | bakery   | 1        | 300.00 |
    When the member buys the basket redeeming 100 points
    Then line 1 pays 40.00 with points
    And line 2 pays 60.00 with points
    And line 1 has an earn base of 160.00
    And line 2 has an earn base of 240.00
    And the receipt earns 23 points
    And the lines earn 11, 12 points
    And the balance is 423

  Scenario: Uneven amounts: the redeemed value is split to the cent
    The check is 99.99 + 149.99 + 250.02 = 500.00; 250 points = 250.00 = 25000 cents.
    Quotas: 25000 x 99.99 / 500.00 = 4999.5, x 149.99 -> 7499.5, x 250.02 -> 12501.0; floors make
    24999 cents, the last cent goes to the earlier of the two equal remainders (line 1):
    50.00, 74.99 and 125.01. Earn bases 49.99, 75.00 and 125.01.
    Earned: 49.99 x 7% = 3.4993; 75.00 x 5% = 3.75; 125.01 x 10% = 12.501; sum 19.7503, floor 19.
    Split 19 in proportion: 3.366, 3.608, 12.026 -> floors 3, 3, 12 = 18, the spare point to the
    largest remainder (line 2, 0.608): 3, 4, 12. Balance 1000 - 250 + 19 = 769.
    Given a member with a balance of 1000 points
    And the basket:
      | sku    | category | quantity | amount |
      | MILK   | dairy    | 1        | 99.99  |
      | BREAD  | bakery   | 1        | 149.99 |
      | APPLES | fresh    | 1        | 250.02 |
    When the member buys the basket redeeming 250 points
    Then line 1 pays 50.00 with points
    And line 2 pays 74.99 with points
    And line 3 pays 125.01 with points
    And line 1 has an earn base of 49.99
    And line 2 has an earn base of 75.00
    And line 3 has an earn base of 125.01
    And the receipt earns 19 points
    And the lines earn 3, 4, 12 points
    And the balance is 769
