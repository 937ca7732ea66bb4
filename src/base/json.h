/*
 * json.h - streaming JSON writer over struct ss_buf.
 *
 * shishi parses JSON with jansson but writes it with this writer, straight
 * into the output buffer: no intermediate tree. The writer tracks commas
 * and nesting; keys and strings are escaped by ss_esc_json. Numbers are
 * written as integers when they are whole, so 470000 never reads 470000.0.
 */
#ifndef SS_JSON_H
#define SS_JSON_H

#include <stddef.h>

#include "base/buf.h"

#define SS_JSON_MAX_DEPTH 32

struct ss_json {
    struct ss_buf *b;
    int depth;
    int pretty;
    unsigned char first[SS_JSON_MAX_DEPTH]; /* 1 until the level has an item */
};

void ss_json_init(struct ss_json *j, struct ss_buf *b, int pretty);
void ss_json_obj(struct ss_json *j);     /* { */
void ss_json_obj_end(struct ss_json *j); /* } */
void ss_json_arr(struct ss_json *j);     /* [ */
void ss_json_arr_end(struct ss_json *j); /* ] */
void ss_json_key(struct ss_json *j, const char *k);
void ss_json_str(struct ss_json *j, const char *s); /* NULL writes null */
void ss_json_strn(struct ss_json *j, const char *s, size_t n);
void ss_json_num(struct ss_json *j, double v);
void ss_json_int(struct ss_json *j, long long v);
void ss_json_bool(struct ss_json *j, int v);
void ss_json_null(struct ss_json *j);
/* Write pre-rendered JSON as a value (visibly raw: the caller vouches). */
void ss_json_raw(struct ss_json *j, const char *s, size_t n);

/* Shorthands for "key": value pairs. */
void ss_json_kstr(struct ss_json *j, const char *k, const char *s);
void ss_json_knum(struct ss_json *j, const char *k, double v);
void ss_json_kint(struct ss_json *j, const char *k, long long v);
void ss_json_kbool(struct ss_json *j, const char *k, int v);
void ss_json_knull(struct ss_json *j, const char *k);

#endif
