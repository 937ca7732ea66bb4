/*
 * err.c - user-facing error values.
 */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"

void ss_err_clear(struct ss_err *e)
{
    if (!e)
        return;
    e->code = 0;
    e->field[0] = '\0';
    e->msg[0] = '\0';
}

int ss_err_set(struct ss_err *e, int code, const char *field, const char *fmt, ...)
{
    va_list ap;

    if (!e)
        return code;
    e->code = code;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return code;
}

const char *ss_err_code_name(int code)
{
    switch (code) {
    case SS_OK:
        return "ok";
    case SS_EINVAL:
        return "invalid";
    case SS_ENOTFOUND:
        return "not_found";
    case SS_ECONFLICT:
        return "conflict";
    case SS_EIO:
        return "io";
    case SS_EDB:
        return "store";
    case SS_EFORBIDDEN:
        return "forbidden";
    case SS_EUNAUTH:
        return "unauthorized";
    case SS_ETHROTTLED:
        return "throttled";
    case SS_EBUSY:
        return "busy";
    default:
        return "error";
    }
}
