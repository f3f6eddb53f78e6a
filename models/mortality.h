/* mortality.h — death and acute hospital admission hazards.
 *
 * Death: the background rate of a published life table by age and sex (lifetable.h),
 * redistributed by grip relative to the person's age and sex (weaker people die
 * sooner, at the same population mean) and raised, for a time that fades
 * exponentially, by a hip fracture. Admissions: a rate rising
 * with age; length of stay log-normal. */
#ifndef MSK_MORTALITY_H
#define MSK_MORTALITY_H

#include "params.h"

/* Deaths per year. grip_z is grip in SD units above the mean of people of the same
 * age and sex (negative = weaker); days_since_hip is NAN without a hip fracture. */
double mortality_rate(double age, int female, double grip_z, double days_since_hip,
                      const model_params *p);

/* Acute admissions per year. */
double mortality_admission_rate(double age, const model_params *p);

/* Length of stay in days for a standard normal draw z. */
double mortality_admission_stay(double z, const model_params *p);

#endif
