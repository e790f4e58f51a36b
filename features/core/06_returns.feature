Feature: Rule 6 - returns reverse exactly what a line earned and redeemed
  A return reverses, for each returned line, its stored earned points and gives back its redeemed
  points in proportion to the quantity returned, rounded half-up, computed on the cumulative
  quantity returned so far: returning a whole line, at once or in parts, reverses exactly what it
  earned and redeemed, so repeated partial returns never drift. The money refunded is the line's
  paid part (amount minus the value paid with points) in the same proportion.

  Reference programme (basic.yaml): base rate 5%, dairy 7%; a point pays 1.00; rounding down.

  Background:
    Given the programme configuration "basic.yaml"

  Scenario: Returning a line of three in parts, then the other line
    The purchase: 300.00 + 200.00 = 500.00, 100 points redeemed, split 300:200 -> 60 points
    (60.00) on the milk and 40 (40.00) on the bread. Earned: 240.00 x 7% = 16.8 and
    160.00 x 5% = 8.0; floor(24.8) = 24, split 16.26 : 7.74 -> 16 and 8. Balance 1000 - 100 + 24 = 924.
    1st milk: half-up(16 x 1/3 = 5.33) = 5 reversed, half-up(60 x 1/3) = 20 given back, 240.00 / 3 = 80.00
    refunded in money. Balance 924 - 5 + 20 = 939.
    2nd milk: half-up(16 x 2/3 = 10.67) = 11, minus the 5 already reversed = 6; 40 - 20 = 20. Balance 953.
    3rd milk: all 16 minus 11 = 5; 60 - 40 = 20. Balance 968: the milk reversed 5 + 6 + 5 = 16, exactly.
    The bread in full: 8 reversed, 40 given back, 160.00 refunded. Balance 1000, as before the purchase.
    Given a member with a balance of 1000 points
    And the basket:
      | sku   | category | quantity | amount |
      | MILK  | dairy    | 3        | 300.00 |
      | BREAD | bakery   | 2        | 200.00 |
    When the member buys the basket redeeming 100 points
    Then the lines earn 16, 8 points
    And the balance is 924
    When the member returns 1 of line 1
    Then the return reverses 5 points and gives back 20 redeemed points
    And the return refunds 80.00 in money
    And the balance is 939
    When the member returns 1 of line 1
    Then the return reverses 6 points and gives back 20 redeemed points
    And the balance is 953
    When the member returns 1 of line 1
    Then the return reverses 5 points and gives back 20 redeemed points
    And the balance is 968
    When the member returns line 2 in full
    Then the return reverses 8 points and gives back 40 redeemed points
    And the return refunds 160.00 in money
    And the balance is 1000
    And the member's 365-day spend is 0.00

  Scenario: Several lines in one return
    The same purchase (lines earned 16 and 8, redeemed 60 and 40; balance 924). Returning one
    milk and one bread: half-up(16 / 3) = 5 + half-up(8 / 2) = 4 = 9 reversed; 20 + 20 = 40 given back;
    80.00 + 80.00 = 160.00 refunded. Balance 924 - 9 + 40 = 955.
    Given a member with a balance of 1000 points
    And the basket:
      | sku   | category | quantity | amount |
      | MILK  | dairy    | 3        | 300.00 |
      | BREAD | bakery   | 2        | 200.00 |
    When the member buys the basket redeeming 100 points
    And the member returns:
      | line | quantity |
      | 1    | 1        |
      | 2    | 1        |
    Then the return reverses 9 points and gives back 40 redeemed points
    And the return refunds 160.00 in money
    And the balance is 955

  Scenario: A half is rounded up, and the rest of the line takes what is left
    100.00 x 5% = 5 points for 2 loaves. The 1st loaf: half-up(2.5) = 3; the 2nd: 5 - 3 = 2.
    Given a member with a balance of 0 points
    And the basket:
      | sku  | category | quantity | amount |
      | LOAF | bakery   | 2        | 100.00 |
    When the member buys the basket
    Then the receipt earns 5 points
    When the member returns 1 of line 1
    Then the return reverses 3 points
    When the member returns 1 of line 1
    Then the return reverses 2 points
    And the balance is 0

  Scenario: Three partial returns never drift
    99.99 x 5% = 4.9995, floor 4. Cumulative: half-up(4 x 1/3) = 1, half-up(4 x 2/3) = 3, then 4:
    the returns reverse 1, 2 and 1, exactly the 4 earned. Nothing is left to return after that.
    Given a member with a balance of 0 points
    And the basket:
      | sku | category | quantity | amount |
      | TEA | grocery  | 3        | 99.99  |
    When the member buys the basket
    Then the receipt earns 4 points
    When the member returns 1 of line 1
    Then the return reverses 1 point
    When the member returns 1 of line 1
    Then the return reverses 2 points
    When the member returns 1 of line 1
    Then the return reverses 1 point
    And the balance is 0
    When the member returns 1 of line 1
    Then the return is refused because "line 1: cannot return 1, only 0 of 3 left to return"

  Scenario: Returning what was not bought is refused
    Given a member with a balance of 0 points
    And the basket:
      | sku   | category | quantity | amount |
      | MILK  | dairy    | 3        | 300.00 |
      | BREAD | bakery   | 2        | 200.00 |
    When the member buys the basket
    And the member returns 3 of line 2
    Then the return is refused because "line 2: cannot return 3, only 2 of 2 left to return"
    When the member returns 1 of line 3
    Then the return is refused because "the purchase has no line 3"
