/*
 * feed_web.h - following over the web (feed_web.c): the Atom feeds of
 * targets, projects and places, the subscription API, the confirmation
 * and unsubscribe pages, and the "follow" box every followed page shows.
 */
#ifndef SS_WEB_FEED_WEB_H
#define SS_WEB_FEED_WEB_H

#include "web/web.h"

/* The public URL links in feeds and emails start with (serve
 * --base-url; core/follow.h's ss_follow_base_url checked it). Copied. */
void ss_feed_set_base_url(const char *base);
const char *ss_feed_base_url(void);

/* GET /feeds/targets/{id}.atom, /feeds/projects/{no}.atom,
 * /feeds/orgs/{code}.atom */
void ss_page_feed_target(struct ss_wreq *r);
void ss_page_feed_project(struct ss_wreq *r);
void ss_page_feed_org(struct ss_wreq *r);

/* POST /api/v1/subscriptions {"email", "about"} (anonymous) */
void ss_api_subscription_post(struct ss_wreq *r);
/* POST /subscriptions (the follow box's form, anonymous) */
void ss_page_subscription_post(struct ss_wreq *r);
/* GET and POST /subscriptions/confirm/{token}: a page with a button; the
 * POST confirms (a GET never does: link scanners follow GETs) */
void ss_page_sub_confirm(struct ss_wreq *r);
void ss_page_sub_confirm_post(struct ss_wreq *r);
/* GET and POST /subscriptions/unsubscribe/{token}: the POST is RFC 8058's
 * one-click unsubscribe, no session, no CSRF token (the URL's token is
 * the credential) */
void ss_page_sub_unsub(struct ss_wreq *r);
void ss_page_sub_unsub_post(struct ss_wreq *r);

/* The page of kind ("targets", "projects", "orgs") and ref has a feed:
 * r's head names it (<link rel="alternate">), call before
 * ss_page_begin_desc. */
void ss_feed_page_link(struct ss_wreq *r, const char *kind, const char *ref);
/* The visible "follow" section: the feed's link and the email form. */
void ss_feed_follow_box(struct ss_wreq *r, const char *about_kind, const char *ref);

#endif
