Feature: Rule 4 - promotions by priority; an exclusive one stops the lower ones
  Promotions are evaluated by priority, highest first. An applicable exclusive promotion stops
  every promotion below it (those above it still apply); one that does not apply stops nothing.
  Kinds: a multiplier multiplies the rate of its lines (tier multiplier x promotion multipliers);
  extra points are added once per receipt, after rounding; a category rate replaces the rate of
  the lines of its categories (the higher priority wins when two match).

  The programme (features/configs/promotions.yaml): base rate 5%, dairy 7%; tier gold from
  20000.00 (x1.5). By priority:
    LOYAL100   (40) +100 points for gold members
    TUESDAY3X  (30) everything x3 on Tuesdays, exclusive
    GOLD_FRUIT (25) fruit at 15% for gold members
    DAIRY2X    (20) dairy x2
    FRUIT10    (15) fruit at 10%
    BIG        (10) +50 points from a 1000.00 check

  Background:
    Given the programme configuration "promotions.yaml"
    And a member with a balance of 0 points
    And the basket:
      | sku    | category | quantity | amount |
      | MILK   | dairy    | 1        | 200.00 |
      | APPLES | fruit    | 1        | 300.00 |
      | BREAD  | bakery   | 1        | 600.00 |

  Scenario: A Wednesday: a multiplier, a category rate and extra points together
    Milk 200.00 x 7% x 2 = 28; apples 300.00 x 10% = 30; bread 600.00 x 5% = 30: 88, plus 50
    (the check 1100.00 reaches 1000.00) = 138. Split 28:30:30 -> quotas 43.9, 47.05, 47.05 ->
    floors 43, 47, 47 = 137, the spare point to line 1: 44, 47, 47.
    Given today is 2026-03-04 (Wednesday) at 12:00 Europe/Moscow
    When the member buys the basket
    Then the receipt earns 138 points
    And the lines earn 44, 47, 47 points
    And promotion DAIRY2X is applied
    And promotion FRUIT10 is applied
    And promotion BIG is applied
    And line 1 has a multiplier of 2
    And line 2 earns at 10%
    And promotion TUESDAY3X is not applied because "weekday wed not in tue"
    And promotion GOLD_FRUIT is not applied because "tier base not in gold"
    And promotion LOYAL100 is not applied because "tier base not in gold"

  Scenario: A Tuesday: the exclusive promotion stops every lower one
    Everything x3 at its own rate: 200.00 x 7% x 3 = 42; 300.00 x 5% x 3 = 45; 600.00 x 5% x 3 = 90:
    177 points. Apples earn at the base rate: FRUIT10 was stopped, so was BIG.
    Given today is 2026-03-03 (Tuesday) at 12:00 Europe/Moscow
    When the member buys the basket
    Then the receipt earns 177 points
    And the lines earn 42, 45, 90 points
    And promotion TUESDAY3X is applied
    And line 2 earns at 5%
    And line 3 has a multiplier of 3
    And promotion DAIRY2X is not applied because "stopped by exclusive promotion TUESDAY3X"
    And promotion FRUIT10 is not applied because "stopped by exclusive promotion TUESDAY3X"
    And promotion BIG is not applied because "stopped by exclusive promotion TUESDAY3X"
    And promotion LOYAL100 is not applied because "tier base not in gold"

  Scenario: A Tuesday for a gold member: a promotion above the exclusive one still applies
    Gold (25000.00 spent) multiplies by 1.5, TUESDAY3X by 3: 200.00 x 7% x 4.5 = 63;
    300.00 x 5% x 4.5 = 67.5; 600.00 x 5% x 4.5 = 135; floor(265.5) = 265, plus LOYAL100's 100 = 365.
    Split 63:67.5:135 -> quotas 86.61, 92.80, 185.59 -> floors 86, 92, 185 = 363; the 2 spare
    points to the largest remainders, lines 2 (0.80) and 1 (0.61): 87, 93, 185.
    Given the member spent 25000.00 in the previous 365 days
    And today is 2026-03-03 (Tuesday) at 12:00 Europe/Moscow
    When the member buys the basket
    Then the purchase is calculated at tier gold
    And promotion LOYAL100 is applied
    And promotion TUESDAY3X is applied
    And promotion GOLD_FRUIT is not applied because "stopped by exclusive promotion TUESDAY3X"
    And line 1 has a multiplier of 4.5
    And the receipt earns 365 points
    And the lines earn 87, 93, 185 points

  Scenario: A Wednesday for a gold member: the higher-priority category rate wins
    GOLD_FRUIT (priority 25) sets the apples' rate to 15%, before FRUIT10 (15) could set 10%.
    200.00 x 7% x 1.5 x 2 = 42; 300.00 x 15% x 1.5 = 67.5; 600.00 x 5% x 1.5 = 45;
    floor(154.5) = 154, plus 100 (LOYAL100) and 50 (BIG) = 304. Split 42:67.5:45 -> quotas 82.64,
    132.82, 88.54 -> floors 82, 132, 88 = 302; spare points to lines 2 and 1: 83, 133, 88.
    Given the member spent 25000.00 in the previous 365 days
    And today is 2026-03-04 (Wednesday) at 12:00 Europe/Moscow
    When the member buys the basket
    Then promotion GOLD_FRUIT is applied
    And promotion LOYAL100 is applied
    And promotion DAIRY2X is applied
    And promotion BIG is applied
    And line 2 earns at 15%
    And line 1 has a multiplier of 3
    And the receipt earns 304 points
    And the lines earn 83, 133, 88 points

  Scenario: Conditions that do not hold are named
    No fruit in the basket and a check of 800.00: milk 200.00 x 7% x 2 = 28, bread 600.00 x 5% = 30:
    58 points.
    Given today is 2026-03-04 (Wednesday) at 12:00 Europe/Moscow
    And the basket:
      | sku   | category | quantity | amount |
      | MILK  | dairy    | 1        | 200.00 |
      | BREAD | bakery   | 1        | 600.00 |
    When the member buys the basket
    Then the receipt earns 58 points
    And promotion DAIRY2X is applied
    And promotion FRUIT10 is not applied because "no line in categories fruit"
    And promotion BIG is not applied because "check 800.00 below 1000.00"

  Scenario: Extra points are added once per receipt, then spread over the lines
    600.00 x 5% = 30 and 500.00 x 5% = 25: 55, plus 50 once (not per line) = 105.
    Split 30:25 -> quotas 57.27 and 47.73 -> floors 57, 47, the spare point to line 2: 57, 48.
    Given today is 2026-03-04 (Wednesday) at 12:00 Europe/Moscow
    And the basket:
      | sku   | category | quantity | amount |
      | BREAD | bakery   | 1        | 600.00 |
      | CAKE  | bakery   | 1        | 500.00 |
    When the member buys the basket
    Then promotion BIG is applied
    And the receipt earns 105 points
    And the lines earn 57, 48 points
