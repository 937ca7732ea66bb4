/*
 * ledger_api.c - the ledger (台账) over HTTP, and evidence files.
 *
 * GET /api/v1/ledger.xlsx?period=YYYY-MM: the signed-in reporter's
 * assignments for the period as a workbook (core/ledger.h), named after
 * the unit and the period (Content-Disposition, RFC 6266: a UTF-8
 * filename* and an ASCII fallback).
 * POST /api/v1/ledger[?period=YYYY-MM][&encoding=utf-8|gb18030]: the filled
 * workbook or a CSV, as the multipart field "file" (or as the raw body).
 * The period is the sheet's own; ?period, when given, must agree with it.
 * Every row is validated; the answer lists each error with row, column and
 * field, and the valid rows are kept as DRAFTS in one transaction (422
 * when some rows were refused, 200 when none).
 *
 * Uploads cost memory, so who sends one is decided before its body is read
 * (ss_web_upload_gate, run by the HTTP core on the headers), the role is
 * checked again before the file is looked at, and at most
 * SS_MAX_SHEET_READS sheets are read at once: a read may
 * hold SS_MAX_SHEET_XML of XML and SS_MAX_SHEET_TEXT of cells (base/sheet.h);
 * a read that cannot start within READ_WAIT_MS is answered 503.
 *
 * Evidence: photos (JPEG, PNG, WebP) and PDFs up to SS_MAX_EVIDENCE,
 * recognised by their first bytes (the client's Content-Type is not
 * trusted), stored once per content as <sha256> in the evidence directory
 * (ss_store_evidence_dir: beside an SQLite file by default, named for a
 * PostgreSQL database).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/json.h"
#include "base/limits.h"
#include "base/sheet.h"
#include "base/util.h"
#include "core/access.h"
#include "core/ledger.h"
#include "store/store_audit.h"
#include "web/routes.h"
#include "web/workflow_web.h"

#define JSON_TYPE "application/json; charset=utf-8"
#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define READ_WAIT_MS 1000 /* how long an upload waits for a free sheet reader */

static pthread_mutex_t reads_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reads_cv = PTHREAD_COND_INITIALIZER;
static int reads; /* sheets being read now */

int ss_wf_sheet_read(const char *data, size_t len, enum ss_sheet_enc enc, struct ss_sheet *sh,
                     int *busy, struct ss_err *err)
{
    struct timespec until;
    int rc = 0;

    *busy = 0;
    memset(sh, 0, sizeof *sh);
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += (long)(READ_WAIT_MS % 1000) * 1000000L;
    until.tv_sec += READ_WAIT_MS / 1000 + until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    pthread_mutex_lock(&reads_mu);
    while (reads >= SS_MAX_SHEET_READS && rc == 0)
        rc = pthread_cond_timedwait(&reads_cv, &reads_mu, &until);
    if (reads >= SS_MAX_SHEET_READS) {
        pthread_mutex_unlock(&reads_mu);
        *busy = 1;
        return ss_err_set(err, SS_EBUSY, "file",
                          "other ledgers are being read just now; send it again in a moment");
    }
    reads++;
    pthread_mutex_unlock(&reads_mu);
    rc = ss_sheet_read_as(data, len, enc, sh, err);
    pthread_mutex_lock(&reads_mu);
    reads--;
    pthread_cond_signal(&reads_cv);
    pthread_mutex_unlock(&reads_mu);
    return rc;
}

int ss_web_upload_gate(void *ctx, const struct ss_http_req *req, const char **msg)
{
    struct ss_store *st;
    enum ss_lang lang = ss_web_lang(req);
    char param[SS_WEB_MAX_PARAM];
    const struct ss_route *rt = ss_route_match(req->path, param, sizeof param);
    struct ss_user u;
    size_t i;

    /* only writes that need a session: the sign-in form is the handler's */
    for (i = 0; rt && i < SS_ROUTE_MAX_OPS && rt->ops[i].method; i++)
        if (strcmp(rt->ops[i].method, req->method) == 0)
            break;
    if (!rt || i == SS_ROUTE_MAX_OPS || !rt->ops[i].method || !rt->ops[i].auth)
        return 0;
    st = ss_web_thread_store(ctx);
    if (!st || ss_auth_session(st, ss_http_cookie(req, SS_SESSION_COOKIE), &u, NULL) != SS_OK) {
        *msg = ss_tr(lang, "请先登录：上传文件需要登录。");
        return 401;
    }
    if (u.role != SS_ROLE_REPORTER && u.role != SS_ROLE_ADMIN) {
        *msg = ss_tr(lang, "只有填报员可以上传文件，此账号不能上传。");
        return 403;
    }
    return 0;
}

/* RFC 5987 ext-value characters that need no percent-encoding. */
static int attr_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           strchr("!#$&+-.^_`|~", c) != NULL;
}

void ss_wf_disposition(struct ss_http_resp *resp, const char *utf8, const char *ascii)
{
    static const char hex[] = "0123456789ABCDEF";
    char enc[200];
    size_t n = 0;
    const unsigned char *p;

    for (p = (const unsigned char *)utf8; *p && n + 4 < sizeof enc; p++) {
        if (attr_char(*p)) {
            enc[n++] = (char)*p;
        } else {
            enc[n++] = '%';
            enc[n++] = hex[*p >> 4];
            enc[n++] = hex[*p & 15];
        }
    }
    enc[n] = '\0';
    snprintf(resp->disposition, sizeof resp->disposition,
             "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, enc);
}

static int own_org(struct ss_wreq *r, const struct ss_user *u, long *org)
{
    if ((*org = ss_access_user_org(r->e, u)) < 0) {
        struct ss_err err;

        ss_err_set(&err, SS_EFORBIDDEN, "org", "The account's org unit is unknown.");
        ss_web_error(r, &err);
        return -1;
    }
    return 0;
}

void ss_api_ledger_get(struct ss_wreq *r)
{
    struct ss_user u;
    struct ss_ledger l;
    struct ss_err err;
    char *data = NULL;
    size_t len = 0;
    long org;

    if (ss_web_auth(r, 0, &u) || own_org(r, &u, &org))
        return;
    ss_err_clear(&err);
    if (ss_ledger_load(r->st, r->plan, ss_engine_org(r->e, org)->id, u.org,
                       ss_http_arg(r->http, "period"), &l, &err)) {
        ss_web_error(r, &err);
        return;
    }
    if (ss_ledger_xlsx(&l, &data, &len, &err)) {
        ss_ledger_cleanup(&l);
        ss_web_error(r, &err);
        return;
    }
    {
        char utf8[64], ascii[64];
        ss_ledger_filename(&l, utf8, ascii);
        ss_wf_disposition(r->resp, utf8, ascii);
    }
    ss_ledger_cleanup(&l);
    r->resp->ctype = XLSX_TYPE;
    r->resp->cache_control = "no-store";
    ss_buf_put(&r->resp->body, data, len);
    free(data);
}

void ss_api_ledger_post(struct ss_wreq *r)
{
    const struct ss_http_field *f;
    struct ss_user u;
    struct ss_sheet sh;
    struct ss_ledger_result res;
    struct ss_store *st;
    struct ss_err err;
    struct ss_json j;
    enum ss_sheet_enc enc;
    const char *data, *status;
    char msg[SS_ERR_TEXT];
    size_t len, i;
    long org;
    int busy;

    if (ss_web_auth(r, 1, &u) || own_org(r, &u, &org))
        return;
    ss_err_clear(&err);
    /* the role first: nobody else's upload is read at all */
    if (u.role != SS_ROLE_REPORTER && u.role != SS_ROLE_ADMIN) {
        ss_err_set(&err, SS_EFORBIDDEN, "role", "only reporters upload ledgers");
        ss_web_error(r, &err);
        return;
    }
    if (ss_sheet_enc_parse(ss_http_arg(r->http, "encoding"), &enc)) {
        ss_err_set(&err, SS_EINVAL, "encoding", "encoding is utf-8 or gb18030 (or left out)");
        ss_web_error(r, &err);
        return;
    }
    status = ss_http_arg(r->http, "status");
    if (status && strcmp(status, "draft") != 0 && strcmp(status, "submitted") != 0) {
        ss_err_set(&err, SS_EINVAL, "status",
                   "status is draft (kept to be submitted later) or submitted (for review at "
                   "once), not '%.40s'",
                   status);
        ss_web_error(r, &err);
        return;
    }
    if ((f = ss_http_file(r->http, "file"))) {
        data = f->value;
        len = f->len;
    } else if (!ss_http_body_is(r->http, "multipart/form-data") && r->http->body_len) {
        data = r->http->body;
        len = r->http->body_len;
    } else {
        ss_err_set(&err, SS_EINVAL, "file", "send the ledger as the multipart field \"file\"");
        ss_web_error(r, &err);
        return;
    }
    if (ss_wf_sheet_read(data, len, enc, &sh, &busy, &err)) {
        ss_web_error(r, &err); /* busy: 503 */
        return;
    }
    if (!(st = ss_web_store_rw(r))) {
        ss_sheet_free(&sh);
        ss_err_set(&err, SS_EIO, "", "the database cannot be opened for writing");
        ss_web_error(r, &err);
        return;
    }
    if (ss_ledger_import(st, r->e, &u, &sh, ss_http_arg(r->http, "period"),
                         status ? status : "draft", SS_VOICE_API, &res, &err)) {
        ss_sheet_free(&sh);
        ss_ledger_result_cleanup(&res);
        ss_web_error(r, &err);
        return;
    }
    r->resp->status = res.nerrors ? 422 : 200;
    r->resp->ctype = JSON_TYPE;
    r->resp->cache_control = "no-store";
    ss_json_init(&j, &r->resp->body, 0);
    ss_json_obj(&j);
    ss_json_kstr(&j, "format", sh.format);
    ss_json_kstr(&j, "period", res.period);
    ss_json_kstr(&j, "status", status ? status : "draft");
    ss_json_kint(&j, "stored", (long long)res.stored);
    ss_json_kint(&j, "unchanged", (long long)res.unchanged);
    ss_json_kint(&j, "skipped", (long long)res.skipped);
    ss_json_key(&j, "ids");
    ss_json_arr(&j);
    for (i = 0; i < res.stored; i++)
        ss_json_int(&j, res.ids[i]);
    ss_json_arr_end(&j);
    ss_json_kint(&j, "error_count", (long long)res.nerrors);
    ss_json_key(&j, "errors");
    ss_json_arr(&j);
    for (i = 0; i < res.nerrors && i < 1000; i++) {
        const struct ss_ledger_error *e = &res.errors[i];
        ss_json_obj(&j);
        ss_json_kint(&j, "row", e->row);
        ss_json_kstr(&j, "column", e->column[0] ? e->column : NULL);
        ss_json_kstr(&j, "field", e->field);
        ss_json_kstr(&j, "message", ss_err_text(&e->err, r->lang, msg, sizeof msg));
        ss_json_obj_end(&j);
    }
    ss_json_arr_end(&j);
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
    ss_ledger_result_cleanup(&res);
    ss_sheet_free(&sh);
}

/* ---- evidence ------------------------------------------------------------------ */

static const char *sniff(const unsigned char *p, size_t n)
{
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return "image/jpeg";
    if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
        return "image/webp";
    if (n >= 5 && memcmp(p, "%PDF-", 5) == 0)
        return "application/pdf";
    return NULL;
}

static int write_blob(const char *dir, const char *name, const char *data, size_t len)
{
    char path[1200], tmp[1200];
    size_t off = 0;
    int fd;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (access(path, F_OK) == 0)
        return SS_OK; /* same content already kept */
    snprintf(tmp, sizeof tmp, "%s/.upload-XXXXXX", dir);
    if ((fd = mkstemp(tmp)) < 0)
        return SS_EIO;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            unlink(tmp);
            return SS_EIO;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return SS_EIO;
    }
    return SS_OK;
}

int ss_wf_evidence_save(struct ss_wreq *r, struct ss_store *st, const struct ss_user *u, int64_t id,
                        const struct ss_http_field *file, enum ss_voice v, struct ss_err *err)
{
    struct ss_wf_report rep;
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    const char *mime = NULL;
    long ti, org;
    int rc;

    if (ss_store_wf_get(st, id, &rep) != SS_OK)
        return ss_err_set(err, SS_ENOTFOUND, "id", "no report with id %lld", (long long)id);
    ti = ss_plan_target_index(r->plan, rep.target_id);
    org = ss_engine_org_by_id(r->e, rep.org_id);
    rc = ti < 0 ? ss_err_set(err, SS_EINVAL, "id", "the report is not on the current plan")
                : ss_access_report(r->e, u, (size_t)ti, org, err);
    if (rc == SS_EFORBIDDEN && v == SS_VOICE_FORM)
        ss_err_id(err, rc, err->field, N_("this account may not add evidence to this report"));
    if (!rc && strcmp(rep.status, "approved") == 0)
        rc = ss_err_set(err, SS_ECONFLICT, "id", "the report is approved; evidence is closed");
    ss_wf_report_cleanup(&rep);
    if (rc || (rc = ss_wf_evidence_keep(st, file, hex, &mime, err)))
        return rc;
    if ((rc = ss_store_begin(st, u->name, err)))
        return rc;
    if ((rc = ss_store_evidence_add(st, id, hex, mime, (int64_t)file->len,
                                    file->filename && *file->filename ? file->filename : NULL,
                                    err))) {
        ss_store_rollback(st);
        return rc;
    }
    return ss_store_commit(st, err);
}

int ss_wf_evidence_keep(struct ss_store *st, const struct ss_http_field *file, char hex[65],
                        const char **mime_out, struct ss_err *err)
{
    unsigned char hash[crypto_hash_sha256_BYTES];
    char dir[SS_EVIDENCE_DIR_MAX];
    const char *mime;
    int rc;

    if (file->len == 0 || file->len > SS_MAX_EVIDENCE)
        return ss_err_set(err, SS_EINVAL, "file", "evidence files are 1 byte to %u MiB",
                          SS_MAX_EVIDENCE >> 20);
    if (!(mime = sniff((const unsigned char *)file->value, file->len)))
        return ss_err_set(err, SS_EINVAL, "file",
                          "evidence must be a photo (JPEG, PNG, WebP) or a PDF");
    crypto_hash_sha256(hash, (const unsigned char *)file->value, file->len);
    sodium_bin2hex(hex, 65, hash, sizeof hash);
    if ((rc = ss_store_evidence_dir(st, dir, sizeof dir, err)))
        return rc;
    if ((mkdir(dir, 0750) != 0 && errno != EEXIST) || write_blob(dir, hex, file->value, file->len))
        return ss_err_set(err, SS_EIO, "file", "the evidence file cannot be stored");
    *mime_out = mime;
    return SS_OK;
}

void ss_api_report_evidence(struct ss_wreq *r)
{
    const struct ss_http_field *f;
    struct ss_user u;
    struct ss_store *st;
    struct ss_err err;
    struct ss_json j;
    long id;

    if (ss_web_auth(r, 1, &u))
        return;
    ss_err_clear(&err);
    if (ss_parse_long(r->param, &id) || id < 1) {
        ss_err_set(&err, SS_EINVAL, "id", "The report id must be a positive integer.");
        ss_web_error_code(r, "bad_parameter", &err);
        return;
    }
    if (!(f = ss_http_file(r->http, "file"))) {
        ss_err_set(&err, SS_EINVAL, "file", "send the file as the multipart field \"file\"");
        ss_web_error(r, &err);
        return;
    }
    if (!(st = ss_web_store_rw(r))) {
        ss_err_set(&err, SS_EIO, "", "the database cannot be opened for writing");
        ss_web_error(r, &err);
        return;
    }
    if (ss_wf_evidence_save(r, st, &u, id, f, SS_VOICE_API, &err)) {
        ss_web_error(r, &err);
        return;
    }
    r->resp->status = 201;
    r->resp->ctype = JSON_TYPE;
    r->resp->cache_control = "no-store";
    ss_json_init(&j, &r->resp->body, 0);
    ss_json_obj(&j);
    ss_json_kint(&j, "report", id);
    ss_json_kint(&j, "files", ss_store_evidence_count(st, id));
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
}
