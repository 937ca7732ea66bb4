/*
 * zipxml.c - an in-memory zip and expat, for the Office readers (see
 * zipxml.h).
 */
#include "base/zipxml.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "base/limits.h"
#include "base/util.h"

struct ss_zip {
    zip_t *z;
    const char *kind;
};

int ss_zip_open(const char *data, size_t len, const char *kind, const char *noun,
                struct ss_zip **out, struct ss_err *err)
{
    zip_source_t *src;
    zip_error_t zerr;
    zip_t *z;
    int rc = SS_OK;

    *out = NULL;
    zip_error_init(&zerr);
    if (len > SS_HTTP_MAX_UPLOAD || !(src = zip_source_buffer_create(data, len, 0, &zerr))) {
        rc = ss_err_set(err, SS_EINVAL, "file", "the file is too large or cannot be read");
    } else if (!(z = zip_open_from_source(src, ZIP_RDONLY, &zerr))) {
        zip_source_free(src);
        rc = ss_err_set(err, SS_EINVAL, "file",
                        "the file is not a valid .%s %s (the zip is damaged: %s)", kind, noun,
                        zip_error_strerror(&zerr));
    } else {
        *out = ss_xcalloc(1, sizeof **out);
        (*out)->z = z;
        (*out)->kind = kind;
    }
    zip_error_fini(&zerr);
    return rc;
}

void ss_zip_close(struct ss_zip *z)
{
    if (!z)
        return;
    zip_discard(z->z);
    free(z);
}

int ss_zip_part(struct ss_zip *z, const char *name, size_t max, char **out, size_t *len,
                struct ss_err *err)
{
    zip_file_t *f;
    size_t cap = 1 << 16, n = 0;
    char *buf;
    zip_int64_t got;

    *out = NULL;
    *len = 0;
    if (zip_name_locate(z->z, name, 0) < 0)
        return SS_ENOTFOUND;
    if (!(f = zip_fopen(z->z, name, 0)))
        return ss_err_set(err, SS_EINVAL, "file", "the %s part %s cannot be read: %s", z->kind,
                          name, zip_strerror(z->z));
    buf = ss_xmalloc(cap + 1);
    for (;;) {
        if (n == cap) {
            if (cap >= max) {
                free(buf);
                zip_fclose(f);
                return ss_err_set(err, SS_EINVAL, "file",
                                  "the %s part %s is larger than %zu MiB unzipped", z->kind, name,
                                  max >> 20);
            }
            cap = cap * 2 > max ? max : cap * 2;
            buf = ss_xrealloc(buf, cap + 1);
        }
        got = zip_fread(f, buf + n, cap - n);
        if (got < 0) {
            free(buf);
            zip_fclose(f);
            return ss_err_set(err, SS_EINVAL, "file", "the %s part %s is corrupt", z->kind, name);
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    zip_fclose(f);
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return SS_OK;
}

void ss_xml_fail(struct ss_xml *x, const char *msg)
{
    if (!x->rc)
        x->rc = ss_err_set(x->err, SS_EINVAL, "file", "%s", msg);
    XML_StopParser(x->p, XML_FALSE);
}

const char *ss_xml_local(const char *name)
{
    const char *colon = strrchr(name, ':');
    return colon ? colon + 1 : name;
}

const char *ss_xml_attr(const char **atts, const char *name)
{
    size_t i;

    for (i = 0; atts[i]; i += 2)
        if (strcmp(ss_xml_local(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

int ss_xml_parse(struct ss_xml *x, const char *data, size_t len, XML_StartElementHandler start,
                 XML_EndElementHandler end, XML_CharacterDataHandler text, const char *part)
{
    enum XML_Status st;

    if (len > (size_t)0x7fffffff)
        return ss_err_set(x->err, SS_EINVAL, "file", "%s is too large", part);
    x->p = XML_ParserCreate("UTF-8");
    if (!x->p)
        return ss_err_set(x->err, SS_EIO, "file", "out of memory for the XML parser");
    XML_SetUserData(x->p, x);
    XML_SetElementHandler(x->p, start, end);
    if (text)
        XML_SetCharacterDataHandler(x->p, text);
    XML_SetParamEntityParsing(x->p, XML_PARAM_ENTITY_PARSING_NEVER);
    st = XML_Parse(x->p, data, (int)len, 1);
    if (st != XML_STATUS_OK && !x->rc)
        x->rc = ss_err_set(x->err, SS_EINVAL, "file", "%s is not well-formed XML (line %lu: %s)",
                           part, (unsigned long)XML_GetCurrentLineNumber(x->p),
                           XML_ErrorString(XML_GetErrorCode(x->p)));
    XML_ParserFree(x->p);
    x->p = NULL;
    return x->rc;
}
