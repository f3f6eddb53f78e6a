/* mortality.h — death and acute hospital admission hazards.
 *
 * Death: the background rate of a published life table by age and sex (lifetable.h),
 * redistributed by grip relative to the person's age and sex (weaker people die
 * sooner, at the same population mean) and raised, for a time that fades
 * exponentially, by a hip fracture; the background is the table less the excess after
 * hip fracture that the table already holds (at published incidences by age and sex). Admissions: a rate rising
 * with age; length of stay log-normal. */
#ifndef MSK_MORTALITY_H
#define MSK_MORTALITY_H

#include "params.h"

/* Deaths per year. grip_z is grip in SD units above the mean of people of the same
 * age and sex (negative = weaker); days_since_hip is NAN without a hip fracture. */
double mortality_rate(double age, int female, double grip_z, double days_since_hip,
                      const model_params *p);

/* The mean excess mortality after hip fracture that the life table holds at this age,
 * relative to people without a recent fracture: (HR - 1) times the integral of the
 * table population's hip-fracture incidence I(age - u) weighted by the excess left
 * u years after a fracture, e^{-u/tau} (model.mortality.table_hip_*). */
double mortality_table_hip_excess(double age, int female, const model_params *p);

/* Acute admissions per year. */
double mortality_admission_rate(double age, const model_params *p);

/* Length of stay in days for a standard normal draw z. */
double mortality_admission_stay(double z, const model_params *p);

#endif
