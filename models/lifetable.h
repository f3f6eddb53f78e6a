/* lifetable.h — background mortality by age and sex from a published period life
 * table: the US Social Security area, calendar year 2019 (SSA Office of the Chief
 * Actuary), single ages 40 to 119.
 *
 * The table gives q(x), the probability of dying between exact ages x and x + 1; the
 * hazard of that year is -ln(1 - q(x)). Between the middles of two years of age the
 * hazard is interpolated log-linearly, so it rises smoothly instead of stepping at
 * birthdays. Below 40.5 it is held at the first year's (adults under 40 appear only
 * in short trials, where death is negligible; this overstates their rate up to about
 * twofold), above 119.5 at the last year's (q 0.88). */
#ifndef MSK_LIFETABLE_H
#define MSK_LIFETABLE_H

/* Deaths per year (hazard) at exact age `age` (years), women when female != 0. */
double lifetable_hazard(double age, int female);

/* The table's q at whole age `age` (40-119; NaN outside), and the log hazard of that
 * year of age as stored, ln(-ln(1 - q)) (for the test that checks the two agree). */
double lifetable_q(int age, int female);
double lifetable_year_log_hazard(int age, int female);

#endif
