/* falls.h — fall hazard and the fracture a fall may cause.
 *
 * The fall rate of an average person (Verghese 2009) is scaled by age, slow gait
 * (rate ratio per 10 cm/s), weak grip (hazard ratio per SD) and immobilization. A
 * fall breaks at most one site; each site's probability rises by its risk ratio per SD
 * of lower BMD (Marshall 1996) from its value at a reference T-score and age. The hip's
 * also rises with age at a given BMD (De Laet 1997: BMD explains a factor 1.9 of the
 * 13-fold rise of hip fractures from 60 to 80; the rest is age itself: sideways falls,
 * slower protective responses, less soft tissue over the trochanter). */
#ifndef MSK_FALLS_H
#define MSK_FALLS_H

#include "params.h"

typedef enum { FRACTURE_NONE, FRACTURE_HIP, FRACTURE_WRIST, FRACTURE_VERTEBRAL, FRACTURE_OTHER, FRACTURE_SITE_COUNT } fracture_site;

/* Falls per year. */
double falls_rate(double age, int female, double gait_ms, double grip_kg, int immobilized,
                  const model_params *p);

/* Probability of each fracture site for one fall at femoral-neck T-score `tscore` and
 * age `age` years (index by fracture_site; [0] is the probability of no fracture). */
void falls_fracture_probabilities(double tscore, double age, const model_params *p,
                                  double prob[FRACTURE_SITE_COUNT]);

/* Site for a uniform draw u in [0,1). */
fracture_site falls_fracture_site(double tscore, double age, double u, const model_params *p);

#endif
