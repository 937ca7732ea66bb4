/*
 * date.c - day-number arithmetic (Howard Hinnant's civil-from-days method,
 * written from the published algorithm description).
 */
#include "base/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"

int ss_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int ss_days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && ss_is_leap(y) ? 29 : dim[m - 1];
}

int32_t ss_days_from_civil(int y, int m, int d)
{
    int era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

void ss_civil_from_days(int32_t z, int *y, int *m, int *d)
{
    int era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static int digits(const char *s, int n, int *out)
{
    int i, v = 0;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Why s is not a date: NULL when it is one (then *out is set), else the
 * reason; the calendar reasons are written into why[]. */
static const char *date_problem(const char *s, int32_t *out, char *why, size_t cap)
{
    static const char *const MONTHS[12] = {"January",   "February", "March",    "April",
                                           "May",       "June",     "July",     "August",
                                           "September", "October",  "November", "December"};
    int y, m, d;

    if (!s || strnlen(s, 11) != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) ||
        digits(s + 5, 2, &m) || digits(s + 8, 2, &d))
        return "YYYY-MM-DD";
    if (y < 1900 || y > 9999)
        snprintf(why, cap, "the year must be between 1900 and 9999");
    else if (m < 1 || m > 12)
        snprintf(why, cap, "there is no month %02d", m);
    else if (d < 1 || d > ss_days_in_month(y, m))
        snprintf(why, cap, "%s %d has %d days", MONTHS[m - 1], y, ss_days_in_month(y, m));
    else {
        *out = ss_days_from_civil(y, m, d);
        return NULL;
    }
    return why;
}

int ss_date_parse(const char *s, int32_t *out)
{
    char why[64];

    return date_problem(s, out, why, sizeof why) ? SS_EINVAL : SS_OK;
}

int ss_date_read(const char *field, const char *s, int32_t *out, struct ss_err *err)
{
    char why[64];
    const char *p = date_problem(s, out, why, sizeof why);

    if (!p)
        return SS_OK;
    if (p != why)
        return ss_err_set(err, SS_EINVAL, field, "'%.40s' is not a date YYYY-MM-DD", s ? s : "");
    return ss_err_set(err, SS_EINVAL, field, "'%s' is not a valid date: %s", s, why);
}

int ss_date_within(const char *field, int32_t day, int32_t start, int32_t end, struct ss_err *err)
{
    char d[11], a[11], b[11];

    if (day >= start && day <= end)
        return SS_OK;
    ss_date_fmt(day, d);
    ss_date_fmt(start, a);
    ss_date_fmt(end, b);
    return ss_err_set(err, SS_EINVAL, field, "%s is outside the plan period %s to %s", d, a, b);
}

void ss_date_fmt(int32_t days, char out[11])
{
    int y, m, d;

    ss_civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999)
        y = 0;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
}

int32_t ss_date_today(void)
{
    const char *env = getenv("SHISHI_TODAY");
    int32_t days;
    time_t now;
    struct tm tm;

    if (env && ss_date_parse(env, &days) == SS_OK)
        return days;
    now = time(NULL);
    localtime_r(&now, &tm);
    return ss_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int ss_date_weekday(int32_t day)
{
    return (int)(((day + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
}

int32_t ss_date_add_workdays(int32_t day, int n)
{
    while (n > 0) {
        int w = ss_date_weekday(++day);
        n -= w != 0 && w != 6;
    }
    return day;
}
