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

int32_t ss_days_from_civil(int y, int m, int d);
void ss_civil_from_days(int32_t z, int *y, int *m, int *d);
/* 0 and *out set, or SS_EINVAL. */
int ss_date_parse(const char *s, int32_t *out);
/* Writes YYYY-MM-DD and a NUL into out (11 bytes). */
void ss_date_fmt(int32_t days, char out[11]);
/* Today in local time (TZ honoured). SHISHI_TODAY=YYYY-MM-DD overrides it,
 * for tests and for replaying a past day. */
int32_t ss_date_today(void);
int ss_is_leap(int y);
int ss_days_in_month(int y, int m);

#endif
