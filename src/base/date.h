/*
 * date.h - civil dates as day numbers.
 *
 * A date is an int32 count of days since 1970-01-01 (proleptic Gregorian).
 * Text form is always ISO YYYY-MM-DD; parsing is strict (no 2026-2-9, no
 * 2026-02-30).
 */
#ifndef SS_DATE_H
#define SS_DATE_H

#include <stdint.h>

#include "base/err.h"

int32_t ss_days_from_civil(int y, int m, int d);
void ss_civil_from_days(int32_t z, int *y, int *m, int *d);
/* 0 and *out set, or SS_EINVAL. */
int ss_date_parse(const char *s, int32_t *out);
/* The parser every date a person types goes through (CLI flags, API
 * parameters and bodies, form fields, plan JSON), so all of them say the
 * same thing. 0 and *out set, or SS_EINVAL with err naming `field` and
 * saying which is wrong: the shape ("'2026-2-9' is not a date
 * YYYY-MM-DD") or the calendar ("'2026-02-30' is not a valid date:
 * February 2026 has 28 days"). */
int ss_date_read(const char *field, const char *s, int32_t *out, struct ss_err *err);
/* 0 when start <= day <= end; else SS_EINVAL: "2027-01-05 is outside the
 * plan period 2026-01-01 to 2026-12-31". For every as-of date a person
 * asks figures or reports for. */
int ss_date_within(const char *field, int32_t day, int32_t start, int32_t end, struct ss_err *err);
/* Writes YYYY-MM-DD and a NUL into out (11 bytes). */
void ss_date_fmt(int32_t days, char out[11]);
/* Today in local time (TZ honoured). SHISHI_TODAY=YYYY-MM-DD overrides it,
 * for tests and for replaying a past day. */
int32_t ss_date_today(void);
int ss_is_leap(int y);
/* Day of the week: 0 Sunday .. 6 Saturday. */
int ss_date_weekday(int32_t day);
/* The day n working days after day (Saturdays and Sundays skipped; public
 * holidays are not known): a deadline "within n working days". */
int32_t ss_date_add_workdays(int32_t day, int n);
int ss_days_in_month(int y, int m);

#endif
