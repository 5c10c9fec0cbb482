/*
 * cs_test.h: helpers shared by the unit tests (include after <cmocka.h>).
 */
#ifndef CS_TEST_H
#define CS_TEST_H

#include <math.h>

/* cmocka 1.1.5's assert_float_equal casts to float (about 7 digits): compare as doubles. */
#define assert_near(a, b, eps) cs_assert_near_((a), (b), (eps), #a, __LINE__)
static inline void cs_assert_near_(double a, double b, double eps, const char *what, int line)
{
    if (!(fabs(a - b) <= eps))
        fail_msg("line %d: %s is %.17g, expected %.17g (eps %g)", line, what, a, b, eps);
}

#endif /* CS_TEST_H */
