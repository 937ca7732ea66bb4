/*
 * routes.c - the route table, path matching, and the OpenAPI 3 document
 * generated from the table.
 *
 * docs/openapi.json is this document as `shishi serve --openapi` prints it;
 * tests/api/openapi.test.mjs checks that the file, the served copy and the
 * live routes agree.
 */
#include "web/routes.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "web/cycle_web.h"
#include "web/export.h"
#include "web/feed_web.h"
#include "web/message_web.h"
#include "web/notice_web.h"
#include "web/plan_admin_web.h"
#include "web/rating_web.h"
#include "web/supervision_web.h"
#include "web/workflow_web.h"

#define SS_MEDIA_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* The table, by hand: each route names only the fields it has (the rest
 * are zero), so it reads without routes.h open. Laid out by hand, so not
 * clang-formatted (which would put every field on a line of its own). */
// clang-format off
const struct ss_route ss_routes[] = {
    {.path = "/", .get = ss_page_plan, .cache = SS_CACHE_HOME,
     .summary = "The plan: every project's progress"},
    {.path = "/projects/{no}", .get = ss_page_project, .summary = "One project",
     .param = {.type = "integer", .desc = "project number"}},
    {.path = "/projects/{no}/rating", .summary = "Rate a project (满意度测评)",
     .param = {.type = "integer", .desc = "project number"},
     .ops = {
        {.method = "POST", .run = ss_page_rating_post, .status = 303,
         .summary = "Rate the project for the plan year, anonymously (form: score 1-5, comment)"}}},
    {.path = "/survey/{code}", .get = ss_page_survey,
     .summary = "A closed survey's one-time link: the form for its project",
     .param = {.type = "string", .desc = "one-time survey code"},
     .ops = {
        {.method = "POST", .run = ss_page_survey_post, .status = 303,
         .summary = "Rate the survey's project with the code, once (form: score 1-5, comment)"}}},
    {.path = "/targets/{id}", .get = ss_page_target, .summary = "One target",
     .param = {.type = "integer", .desc = "target id"},
     .query = {
        {.name = "org", .desc = "org unit code"}}},
    {.path = "/orgs/{code}", .get = ss_page_org, .summary = "One org unit",
     .param = {.type = "string", .desc = "org unit code"}},
    {.path = "/search", .get = ss_page_search, .summary = "Search targets",
     .query = {
        {.name = "q", .desc = "search terms"}}},
    {.path = "/export/{file}", .get = ss_page_export,
     .summary = "A public page's table as CSV or XLSX, with the page's columns and language",
     .param = {.type = "string", .desc = "the table's name and .csv or .xlsx"},
     .query = {
        {.name = "target", .desc = "target id (the target page's tables)"},
        {.name = "org", .desc = "org unit code"}}},
    {.path = "/print.css", .get = ss_page_print_css,
     .summary = "The printed pages' foot: the issuer and the as-of day on every sheet"},
    {.path = "/about/method", .get = ss_page_method, .summary = "How progress is counted"},
    {.path = "/bulletins", .get = ss_page_bulletins, .summary = "The published bulletins"},
    {.path = "/proposals", .get = ss_page_proposals,
     .summary = "Propose next year's projects, and every proposal's outcome",
     .ops = {{.method = "POST", .run = ss_page_proposal_post,
              .summary = "The proposal form (no session; a honeypot field)"}}},
    {.path = "/cycles/{year}/result", .get = ss_page_result, .summary = "The deputies' vote"},
    {.path = "/cycles/{year}/receipt", .get = ss_page_receipt,
     .summary = "Check a ballot's receipt (?code=): that it is among those counted, and what it "
         "chose",
     .param = {.type = "integer", .desc = "the cycle's year"},
     .query = {{.name = "code", .desc = "the receipt code the ballot's page showed"}}},
    {.path = "/console/ballot", .get = ss_page_ballot, .get_auth = 1,
     .summary = "A deputy's ballot: the candidates, at most the seats, cast once",
     .query = {{.name = "year", .desc = "the cycle's year; default: the one whose vote is open"}},
     .ops = {{.method = "POST", .run = ss_page_ballot_post, .status = 201, .auth = 1,
              .summary = "Cast the ballot (form): the receipt shown this once"}}},
    {.path = "/plans/{year}", .get = ss_page_plan_year, .summary = "A year's plan"},
    {.path = "/console/cycle", .get = ss_page_cycle_console, .get_auth = 1,
     .summary = "Triage of the public's proposals",
     .ops = {{.method = "POST", .run = ss_page_cycle_console_post, .auth = 1,
              .summary = "Promote, merge or decline a proposal (form)"}}},
    {.path = "/bulletins/{file}", .get = ss_page_bulletin_file,
     .summary = "A published bulletin's PDF or XLSX",
     .param = {.type = "string", .desc = "the bulletin's id and .pdf or .xlsx"}},
    {.path = "/feeds/targets/{id}", .get = ss_page_feed_target,
     .summary = "A target's Atom feed: approved reports that changed a figure, status changes, "
         "notices issued or closed",
     .param = {.type = "string", .desc = "target id and .atom"},
     .query = {
        {.name = "lang", .desc = "zh (default), en or ug"}}},
    {.path = "/feeds/projects/{no}", .get = ss_page_feed_project,
     .summary = "A project's Atom feed (all its targets)",
     .param = {.type = "string", .desc = "project number and .atom"},
     .query = {
        {.name = "lang", .desc = "zh (default), en or ug"}}},
    {.path = "/feeds/orgs/{code}", .get = ss_page_feed_org,
     .summary = "An org unit's Atom feed (the unit and every unit below it)",
     .param = {.type = "string", .desc = "org unit code and .atom"},
     .query = {
        {.name = "lang", .desc = "zh (default), en or ug"}}},
    {.path = "/subscriptions", .summary = "Follow by email (form)",
     .ops = {
        {.method = "POST", .run = ss_page_subscription_post, .status = 200,
         .summary = "Ask for a daily digest by email (form: email, kind, ref); a confirmation "
             "link is sent first"}}},
    {.path = "/subscriptions/confirm/{token}", .get = ss_page_sub_confirm,
     .summary = "A subscription's confirmation page: a button, nothing confirmed by the GET",
     .param = {.type = "string", .desc = "the confirmation token from the email"},
     .ops = {
        {.method = "POST", .run = ss_page_sub_confirm_post, .status = 200,
         .summary = "Confirm the subscription (double opt-in)"}}},
    {.path = "/subscriptions/unsubscribe/{token}", .get = ss_page_sub_unsub,
     .summary = "Unsubscribe page: a button",
     .param = {.type = "string", .desc = "the unsubscribe token from a digest"},
     .ops = {
        {.method = "POST", .run = ss_page_sub_unsub_post, .status = 200,
         .summary = "One-click unsubscribe (RFC 8058): no session, the token is the credential; "
             "the address is erased"}}},
    {.path = "/login", .get = ss_page_login, .summary = "Sign in",
     .ops = {
        {.method = "POST", .run = ss_page_login_post, .status = 303, .summary = "Sign in (form)"}}},
    {.path = "/logout", .summary = "Sign out",
     .ops = {
        {.method = "POST", .run = ss_page_logout_post, .status = 303, .auth = 1,
         .summary = "Sign out (form)"}}},
    {.path = "/console", .get = ss_page_console, .get_auth = 1,
     .summary = "The signed-in user's console"},
    {.path = "/messages", .summary = "Send a message (form)",
     .ops = {
        {.method = "POST", .run = ss_page_message_post, .status = 303,
         .summary = "Send a suggestion, complaint or question (form, no account; the page's form "
             "token): to the writer's page /messages/{ticket}"}}},
    {.path = "/messages/photos/{id}", .get = ss_page_message_photo,
     .summary = "A published message's photo (JPEG or PNG, as sniffed when it was sent)",
     .param = {.type = "integer", .desc = "message id"}},
    {.path = "/messages/{ticket}", .get = ss_page_message_ticket,
     .summary = "The writer's page: the message, its state and the answer",
     .param = {.type = "string", .desc = "the ticket given when the message was sent"},
     .ops = {
        {.method = "POST", .run = ss_page_message_rate, .status = 303,
         .summary = "Mark the answer helpful or not (form)"}}},
    {.path = "/console/messages", .get = ss_page_messages_console, .get_auth = 1,
     .summary = "The public's messages waiting for the signed-in user: to publish or hide (a "
         "moderator or supervisor), to answer (the responsible unit)",
     .ops = {
        {.method = "POST", .run = ss_page_messages_console_post, .status = 303, .auth = 1,
         .summary = "Publish, hide or answer a message, or make it a notice (form)"}}},
    {.path = "/console/messages.csv", .get = ss_page_messages_csv, .get_auth = 1,
     .summary = "The messages the signed-in user may moderate or answer, in every state, as CSV "
         "(never a contact)"},
    {.path = "/api/v1/plan", .get = ss_api_plan, .cache = SS_CACHE_PLAN, .api = 1,
     .summary = "The current plan with every target's figures at the plan's top org unit, as of "
         "today",
     .schema = "Plan"},
    {.path = "/api/v1/targets/{id}", .get = ss_api_target, .api = 1,
     .summary = "One target as seen at an org unit: figures, monthly series and breakdown by "
         "child units",
     .param = {.type = "integer", .desc = "Target id (from /api/v1/plan)."},
     .schema = "TargetDetail",
     .query = {
        {.name = "org", .desc = "Org unit code (GB/T 2260); default: the plan's top org unit."},
        {.name = "date", .desc = "As-of date, YYYY-MM-DD, within the plan period; default: today.",
         .format = "date"}}},
    {.path = "/api/v1/orgs/{code}", .get = ss_api_org, .api = 1,
     .summary = "An org unit, its children, and every target's figures there",
     .param = {.type = "string", .desc = "Org unit code (GB/T 2260)."}, .schema = "OrgDetail",
     .query = {
        {.name = "date", .desc = "As-of date, YYYY-MM-DD, within the plan period; default: today.",
         .format = "date"}}},
    {.path = "/api/v1/session", .get = ss_api_session_get, .api = 1, .get_auth = 1,
     .summary = "The signed-in user and the session's CSRF token", .schema = "Session",
     .ops = {
        {.method = "POST", .run = ss_api_session_post, .status = 200, .body = "Login",
         .schema = "Session", .errors = "401 429 503",
         .summary = "Sign in: sets the HttpOnly, SameSite=Strict session cookie ss_session and "
             "returns the user and the CSRF token that every state-changing request must send in "
             "the X-CSRF-Token header"},
        {.method = "DELETE", .run = ss_api_session_delete, .status = 204, .auth = 1,
         .summary = "Sign out: ends the session and clears the cookie"}}},
    {.path = "/console/report", .get = ss_page_report, .get_auth = 1,
     .summary = "A reporter's assignments for the period",
     .query = {
        {.name = "period", .desc = "month YYYY-MM"}},
     .ops = {
        {.method = "POST", .run = ss_page_report_post, .status = 303, .auth = 1,
         .summary = "Save or submit the period's reports (form)"}}},
    {.path = "/console/users", .get = ss_page_users, .get_auth = 1,
     .summary = "An administrator's accounts",
     .ops = {
        {.method = "POST", .run = ss_page_users_post, .status = 303, .auth = 1,
         .summary = "Disable, enable or unlock an account, or reset its password (form)"}}},
    {.path = "/console/plan", .get = ss_page_plan_admin, .get_auth = 1,
     .summary = "An admin's plan settings: lead departments and schedules",
     .query = {
        {.name = "plan",
         .desc = "plan id (a draft or the current plan; default: the current plan)"}},
     .ops = {
        {.method = "POST", .run = ss_page_plan_admin_post, .status = 303, .auth = 1,
         .summary = "Set a project's lead department or a target's schedule (form)"}}},
    {.path = "/console/plans/new", .get = ss_page_plan_new, .get_auth = 1,
     .summary = "An admin imports an announcement and reviews the extracted draft against its text",
     .query = {
        {.name = "plan", .desc = "the draft to review (default: the form that imports one)"}},
     .ops = {
        {.method = "POST", .run = ss_page_plan_new_post, .status = 303, .auth = 1,
         .summary = "Import an announcement (text, HTML or .docx, as multipart field text or "
             "file), correct a draft's target (set, add, split, merge, drop) or activate the "
             "draft (form)"}}},
    {.path = "/console/translate", .get = ss_page_translate, .get_auth = 1,
     .summary = "An admin's translations of the plan's titles and the org units' names",
     .query = {
        {.name = "plan",
         .desc = "plan id (a draft or the current plan; default: the current plan)"},
        {.name = "to", .desc = "the language translated into: en or ug"}},
     .ops = {
        {.method = "POST", .run = ss_page_translate_post, .status = 303, .auth = 1,
         .summary = "Store the translations (form)"}}},
    {.path = "/console/inbox", .get = ss_page_inbox, .get_auth = 1, .summary = "A reviewer's inbox",
     .ops = {
        {.method = "POST", .run = ss_page_inbox_post, .status = 303, .auth = 1,
         .summary = "Approve (one or the ticked ones) or return a report (form)"}}},
    {.path = "/console/supervision", .get = ss_page_supervision, .get_auth = 1,
     .summary = "The supervision office's morning page: red and yellow lights, who has not "
         "reported, notices, changes since last month",
     .query = {
        {.name = "org", .desc = "org unit code (default: the user's own)"},
        {.name = "period", .desc = "month YYYY-MM (default: the latest whose deadline passed)"}}},
    {.path = "/console/supervision/list", .get = ss_page_supervision_list, .get_auth = 1,
     .summary = "The targets behind one of the morning page's numbers",
     .query = {
        {.name = "org", .desc = "org unit code"},
        {.name = "colour", .desc = "red or yellow"},
        {.name = "project", .desc = "project number (default: every project)"}}},
    {.path = "/console/completeness", .get = ss_page_completeness, .get_auth = 1,
     .summary = "Reporting completeness of a period: on time, late, missing, rolled up",
     .query = {
        {.name = "org", .desc = "org unit code (default: the user's own)"},
        {.name = "period", .desc = "month YYYY-MM (default: the latest whose deadline passed)"}}},
    {.path = "/console/completeness.csv", .get = ss_page_completeness_csv, .get_auth = 1,
     .summary = "Reporting completeness of a period, every assignment, as CSV",
     .query = {
        {.name = "org", .desc = "org unit code (default: the user's own)"},
        {.name = "period", .desc = "month YYYY-MM (default: the latest whose deadline passed)"}}},
    {.path = "/console/score", .get = ss_page_score, .get_auth = 1,
     .summary = "The units' scores of a period, ranked",
     .query = {
        {.name = "org", .desc = "org unit code (default: the user's own)"},
        {.name = "period", .desc = "month YYYY-MM (default: the latest whose deadline passed)"}}},
    {.path = "/console/score.xlsx", .get = ss_page_score_xlsx, .get_auth = 1,
     .summary = "The units' scores of a period as an .xlsx workbook",
     .query = {
        {.name = "org", .desc = "org unit code (default: the user's own)"},
        {.name = "period", .desc = "month YYYY-MM (default: the latest whose deadline passed)"}}},
    {.path = "/console/export/{file}", .get = ss_page_console_export, .get_auth = 1,
     .summary = "A console page's table as CSV or XLSX, behind the page's own access check",
     .param = {.type = "string", .desc = "the table's name and .csv or .xlsx"},
     .query = {
        {.name = "org", .desc = "org unit code (default: the user's own)"},
        {.name = "period", .desc = "month YYYY-MM (default: the latest whose deadline passed)"}}},
    {.path = "/console/ledger", .get_auth = 1, .summary = "Upload a ledger (form)",
     .ops = {
        {.method = "POST", .run = ss_page_ledger_post, .status = 303, .auth = 1,
         .summary = "Upload the filled ledger as drafts or for review (form)"}}},
    {.path = "/console/submit", .get_auth = 1, .summary = "Submit drafts (form)",
     .ops = {
        {.method = "POST", .run = ss_page_submit_post, .status = 303, .auth = 1,
         .summary = "Submit the ticked drafts for review (form)"}}},
    {.path = "/console/notices", .get = ss_page_notices, .get_auth = 1,
     .summary = "Supervision notices addressed to the units the user sees"},
    {.path = "/console/notices/{id}/evidence", .get = ss_page_notice_file, .get_auth = 1,
     .summary = "A file of a notice's answer (?file=ID), for those who see the notice",
     .param = {.type = "integer", .desc = "notice id"}},
    {.path = "/console/notices/{id}", .get = ss_page_notice, .get_auth = 1,
     .summary = "One supervision notice: the unit's answer form, a supervisor's close and return",
     .param = {.type = "integer", .desc = "notice id"},
     .ops = {
        {.method = "POST", .run = ss_page_notice_post, .status = 303, .auth = 1,
         .summary = "Answer, close or return the notice (form)"}}},
    {.path = "/api/v1/reports", .api = 1, .summary = "Progress reports",
     .ops = {
        {.method = "POST", .run = ss_api_report_post, .status = 201, .auth = 1, .body = "ReportNew",
         .schema = "ReportCreated",
         .summary = "Report the cumulative value of an assigned target at an org unit as of a "
             "date (a reporter, for its own unit): stored as submitted (or a draft), counted only "
             "once the level above approves it; flags mark implausible jumps and missing shares "
             "for the reviewer. One live report per target, unit and date: a draft is replaced, a "
             "returned report corrected in place; a submitted one is not replaced (409)"}}},
    {.path = "/api/v1/reports/approve", .api = 1, .summary = "Approve several reports",
     .ops = {
        {.method = "POST", .run = ss_api_reports_approve, .status = 200, .auth = 1,
         .body = "ApproveMany", .schema = "ApproveResults", .errors = "422",
         .summary = "Approve several submitted reports at once, each on its own with every check, "
             "oldest date first: 200 when all were approved, 422 when any was not, with each "
             "one's result"}}},
    {.path = "/api/v1/reports/{id}/approve", .api = 1, .summary = "Approve a report",
     .param = {.type = "integer", .desc = "Report id."},
     .ops = {
        {.method = "POST", .run = ss_api_report_approve, .status = 200, .auth = 1,
         .schema = "ReportState", .errors = "404 409",
         .summary = "Approve a submitted report (a reviewer of a unit above it, never its own "
             "reporter): every rule of submission is checked again against what is approved by "
             "now; it counts from now on"}}},
    {.path = "/api/v1/reports/{id}/return", .api = 1, .summary = "Return a report",
     .param = {.type = "integer", .desc = "Report id."},
     .ops = {
        {.method = "POST", .run = ss_api_report_return, .status = 200, .auth = 1, .body = "Comment",
         .schema = "ReportState", .errors = "404 409",
         .summary = "Return a submitted report to its reporter with a comment saying why"}}},
    {.path = "/api/v1/reports/{id}/submit", .api = 1, .summary = "Submit a draft",
     .param = {.type = "integer", .desc = "Report id."},
     .ops = {
        {.method = "POST", .run = ss_api_report_submit, .status = 200, .auth = 1,
         .schema = "ReportState", .errors = "404 409",
         .summary = "Submit a draft (from a ledger upload) or a returned report for review"}}},
    {.path = "/api/v1/reports/{id}/evidence", .api = 1, .summary = "Evidence of a report",
     .param = {.type = "integer", .desc = "Report id."},
     .ops = {
        {.method = "POST", .run = ss_api_report_evidence, .status = 201, .auth = 1,
         .body = "multipart:file", .schema = "EvidenceAdded", .errors = "404 409 413",
         .summary = "Attach a photo (JPEG, PNG, WebP) or PDF as multipart field file; kept by "
             "content hash"}}},
    {.path = "/api/v1/inbox", .get = ss_api_inbox, .api = 1, .get_auth = 1,
     .summary = "The signed-in reviewer's inbox: submitted reports of the units below, oldest "
         "first",
     .schema = "Inbox"},
    {.path = "/api/v1/assignments", .api = 1, .summary = "Task breakdown",
     .ops = {
        {.method = "POST", .run = ss_api_assign_post, .status = 200, .auth = 1,
         .body = "AssignmentNew", .schema = "Assignment", .errors = "409",
         .summary = "Give an org unit (or a department) its share of a target; the level's shares "
             "are checked against the whole: short is a warning, over is refused (409) unless "
             "forced with a reason"}}},
    {.path = "/api/v1/me/assignments", .get = ss_api_my_assignments, .api = 1, .get_auth = 1,
     .summary = "The signed-in user's assignments for a monthly period, with the last approved "
         "values",
     .schema = "MyAssignments",
     .query = {
        {.name = "period", .desc = "Month YYYY-MM; default: the period whose deadline is next."}}},
    {.path = "/api/v1/completeness", .get = ss_api_completeness, .api = 1, .get_auth = 1,
     .summary = "Reporting completeness of a monthly period for an org unit and the units below "
         "it (staff only: an admin, or a reviewer within its own subtree): every assignment on "
         "time (submitted or approved by the plan's deadline day of the next month), late, "
         "missing (none after the deadline) or pending, with reporting and on-time rates per "
         "unit, rolled up, per department, and each one's last report date",
     .schema = "Completeness",
     .query = {
        {.name = "period",
         .desc = "Month YYYY-MM within the plan; default: the latest whose deadline passed."},
        {.name = "org", .desc = "Org unit code; default: the user's own unit."}}},
    {.path = "/api/v1/ledger.xlsx", .get = ss_api_ledger_get, .api = 1, .get_auth = 1,
     .summary = "The period's ledger (台账) as an .xlsx workbook (not JSON): target id (hidden), "
         "project, metric, unit, assigned value, last approved value, then this value, numerator, "
         "denominator and note to fill in; the first row also holds the period (K1, L1). Named "
         "after the unit and the period (台账-CODE-YYYY-MM.xlsx)",
     .media = SS_MEDIA_XLSX,
     .query = {
        {.name = "period", .desc = "Month YYYY-MM; default: the period whose deadline is next."}}},
    {.path = "/api/v1/ledger", .api = 1, .summary = "Ledger upload",
     .query = {
        {.name = "period",
         .desc = "Month YYYY-MM; must agree with the sheet's own period; needed only when the "
             "sheet says none."},
        {.name = "encoding", .desc = "A CSV's encoding, utf-8 or gb18030; default: detected."},
        {.name = "status",
         .desc = "draft (the default: kept, to be submitted later) or submitted (every row for "
             "review at once, as the console's upload offers)"}},
     .ops = {
        {.method = "POST", .run = ss_api_ledger_post, .status = 200, .auth = 1,
         .body = "multipart:file", .schema = "LedgerResult", .errors = "422 413 503",
         .summary = "Upload the filled ledger (.xlsx, or CSV in UTF-8 or GB18030) as multipart "
             "field file, for the period the sheet says: every row is validated, each error named "
             "by row and column, valid rows kept as drafts (or submitted, ?status=submitted) in one "
             "transaction, replacing the period's drafts (422 when some rows were refused; 503 while other sheets are being "
             "read)"}}},
    {.path = "/api/v1/notices", .get = ss_api_notices, .api = 1, .get_auth = 1,
     .summary = "Supervision notices (督办单) addressed to the units the signed-in user sees, "
         "newest first",
     .schema = "NoticeList",
     .query = {
        {.name = "status", .desc = "issued, answered or closed; default: all."},
        {.name = "org", .desc = "Org unit code: only notices addressed to it or a unit below."}},
     .ops = {
        {.method = "POST", .run = ss_api_notice_post, .status = 201, .auth = 1,
         .body = "NoticeNew", .schema = "Notice", .errors = "404 409",
         .summary = "Issue a notice by hand (a supervisor, for a unit in its subtree): the "
             "required action in text, grade blue, yellow (default) or red; one open notice per "
             "target and unit (409)"}}},
    {.path = "/api/v1/notices/{id}", .get = ss_api_notice_get, .api = 1, .get_auth = 1,
     .summary = "One notice with its figures, answer and history",
     .param = {.type = "integer", .desc = "Notice id."}, .schema = "Notice"},
    {.path = "/api/v1/notices/{id}/answer", .api = 1, .summary = "Answer a notice",
     .param = {.type = "integer", .desc = "Notice id."},
     .ops = {
        {.method = "POST", .run = ss_api_notice_answer, .status = 200, .auth = 1,
         .body = "NoticeAnswer", .schema = "Notice", .errors = "404 409",
         .summary = "The addressed unit's answer (its reporter or reviewer): what was done, the "
             "measures and the expected date; only an issued notice (409)"}}},
    {.path = "/api/v1/notices/{id}/close", .api = 1, .summary = "Close a notice",
     .param = {.type = "integer", .desc = "Notice id."},
     .ops = {
        {.method = "POST", .run = ss_api_notice_close, .status = 200, .auth = 1,
         .schema = "Notice", .errors = "404 409",
         .summary = "Close an answered notice, or one marked for closing, after checking (a "
             "supervisor of the unit)"}}},
    {.path = "/api/v1/notices/{id}/return", .api = 1, .summary = "Return a notice",
     .param = {.type = "integer", .desc = "Notice id."},
     .ops = {
        {.method = "POST", .run = ss_api_notice_return, .status = 200, .auth = 1,
         .body = "Comment", .schema = "Notice", .errors = "404 409",
         .summary = "Send an answered notice back to the unit with a comment saying why (a "
             "supervisor): it is issued again"}}},
    {.path = "/api/v1/notices/{id}/evidence", .api = 1, .summary = "Evidence of an answer",
     .param = {.type = "integer", .desc = "Notice id."},
     .ops = {
        {.method = "POST", .run = ss_api_notice_evidence, .status = 201, .auth = 1,
         .body = "multipart:file", .schema = "NoticeEvidenceAdded", .errors = "404 409 413",
         .summary = "Attach a photo (JPEG, PNG, WebP) or PDF to the unit's answer (its reporter "
             "or reviewer, while the notice is open) as multipart field file; kept by content "
             "hash with the reports' evidence"}}},
    {.path = "/api/v1/plan.csv", .get = ss_api_plan_csv, .api = 1, .media = "text/csv",
     .summary = "The current plan as CSV (UTF-8 with a BOM): project number, title and lead "
         "department, target id, metric, the announcement's text, value, unit, comparator, kind, "
         "department, parent target; the columns are described in the open-data zip's "
         "dictionary.csv"},
    {.path = "/api/v1/opendata.zip", .get = ss_api_opendata_zip, .api = 1,
     .media = "application/zip",
     .summary = "The open data as a zip: plan.csv, figures.csv (every target at every place with a "
         "task or a report, at each month's end up to today, approved reports only), "
         "bulletins.csv with the published bulletins' PDF and XLSX as published, and "
         "dictionary.csv describing every file's columns in Chinese and English"},
    {.path = "/api/v1/ratings", .api = 1, .summary = "Satisfaction ratings (满意度测评)",
     .ops = {
        {.method = "POST", .run = ss_api_rating_post, .status = 201, .body = "RatingNew",
         .schema = "RatingAccepted", .errors = "409 429",
         .summary = "Rate a project, anonymously: the open rating of project for the plan year "
             "(one per browser, by the signed cookie ss_rated_YEAR it sets, and at most 5 per "
             "client address: 409 and 429 name which refused), or with a closed survey's "
             "one-time code (409 once used). Comments are stored, never published"}}},
    {.path = "/api/v1/projects/{no}/satisfaction", .get = ss_api_satisfaction, .api = 1,
     .summary = "A project's satisfaction: the accepted open ratings of a period (n, mean, "
         "distribution of scores 1 to 5) and each closed survey audience's apart",
     .param = {.type = "integer", .desc = "Project number."}, .schema = "Satisfaction",
     .query = {
        {.name = "period", .desc = "Period: a year (default: the plan's), 2026-H1, 2026-Q1 or "
            "2026-01."}}},
    {.path = "/console/ratings", .get = ss_page_ratings, .get_auth = 1,
     .summary = "Satisfaction results and comments (an admin, the top unit's supervisors)",
     .query = {
        {.name = "project", .desc = "project number: only its comments"}}},
    {.path = "/api/v1/subscriptions", .api = 1, .summary = "Email subscriptions",
     .ops = {
        {.method = "POST", .run = ss_api_subscription_post, .status = 202,
         .body = "SubscriptionNew", .schema = "SubscriptionPending", .errors = "429",
         .summary = "Follow a target, a project or an org unit by email, without an account: a "
             "confirmation link goes to the address first (double opt-in), then at most one "
             "digest a day, each with a one-click unsubscribe (List-Unsubscribe, RFC 8058). The "
             "answer is the same whether or not the address followed it before; the address is "
             "stored sealed and never shown. Throttled per client and per address (429)"}}},
    {.path = "/api/v1/proposals", .get = ss_api_proposals, .api = 1,
     .summary = "The public's proposals for a year's plan, each with its outcome",
     .schema = "ProposalList",
     .query = {{.name = "year", .desc = "The plan year; default: the open window's, else the "
                                        "newest cycle's."}},
     .ops = {
        {.method = "POST", .run = ss_api_proposal_post, .status = 201,
         .body = "ProposalNew", .schema = "ProposalCreated", .errors = "403 429",
         .summary = "Propose a project (anyone, no session), while a proposal window is open "
             "(403 naming the window otherwise); throttled per client address (429)"}}},
    {.path = "/api/v1/proposals/{id}/promote", .api = 1, .summary = "Promote a proposal",
     .param = {.type = "integer", .desc = "Proposal id."},
     .ops = {
        {.method = "POST", .run = ss_api_proposal_promote, .status = 201, .auth = 1,
         .body = "Promote", .schema = "Triaged", .errors = "404 409",
         .summary = "Make a new proposal a candidate with its cost, lead department and note "
             "(an admin, or a supervisor of the cycle's unit), until the vote begins"}}},
    {.path = "/api/v1/proposals/{id}/merge", .api = 1, .summary = "Merge a proposal",
     .param = {.type = "integer", .desc = "Proposal id."},
     .ops = {
        {.method = "POST", .run = ss_api_proposal_merge, .status = 200, .auth = 1,
         .body = "Merge", .schema = "Triaged", .errors = "404 409",
         .summary = "Merge a new proposal into another of the year; into a merged one, it "
             "joins that one's; what was merged into it follows"}}},
    {.path = "/api/v1/proposals/{id}/decline", .api = 1, .summary = "Decline a proposal",
     .param = {.type = "integer", .desc = "Proposal id."},
     .ops = {
        {.method = "POST", .run = ss_api_proposal_decline, .status = 200, .auth = 1,
         .body = "Decline", .schema = "Triaged", .errors = "404 409",
         .summary = "Decline a new proposal with the reason the public reads"}}},
    {.path = "/api/v1/cycles/{year}/ballots", .api = 1, .summary = "Ballots of a year's vote",
     .param = {.type = "integer", .desc = "Plan year."},
     .ops = {
        {.method = "POST", .run = ss_api_ballot_post, .status = 201, .auth = 1,
         .body = "BallotNew", .schema = "BallotReceipt", .errors = "404 409",
         .summary = "Cast the signed-in deputy's secret ballot inside the voting window (403 "
             "outside it, or for anyone but a deputy of the cycle's unit); a second one is "
             "409, more choices than seats or unknown or repeated ones 400"}}},
    {.path = "/api/v1/cycles/{year}/receipts/{receipt}", .get = ss_api_receipt, .api = 1,
     .summary = "The choices of the ballot a receipt was given for (anyone holding it)",
     .param = {.type = "integer", .desc = "Plan year."},
     .param2 = {.type = "string", .desc = "The receipt code (32 hex digits)."},
     .schema = "BallotChoices"},
    {.path = "/api/v1/cycles/{year}/result", .get = ss_api_result, .api = 1,
     .summary = "The vote's result: per candidate its votes and whether it passed, turnout "
         "and ties at the cut; 403 until the voting window has closed",
     .param = {.type = "integer", .desc = "Plan year."}, .schema = "CycleResult"},
    {.path = "/api/v1/messages", .get = ss_api_messages, .api = 1,
     .summary = "The published messages (意见建议) about a target, a project or a place, oldest "
         "first, each with its public answer, and how many were hidden by reason; never a "
         "contact",
     .schema = "MessageList",
     .query = {
        {.name = "target", .desc = "Target id: messages about it (with org: sent from there or "
             "below)."},
        {.name = "project", .desc = "Project number: messages about it."},
        {.name = "org", .desc = "Org unit code: alone, messages about the place; with target or "
             "project, only those sent from it or below. None of the three: every published "
             "message of the plan."}},
     .ops = {
        {.method = "POST", .run = ss_api_message_post, .status = 201, .body = "MessageNew",
         .schema = "MessageCreated", .errors = "404 409 429",
         .summary = "Send a suggestion, complaint or question without an account (application/"
             "json only): text up to 2000 bytes; contact (a phone number or an email address) "
             "optional, stored sealed and never shown; received until a moderator publishes "
             "it. The ticket is shown once: it follows the message (/messages/{ticket}). "
             "Throttled per client and per contact (429); the same text about the same thing "
             "within a day is refused (409)"}}},
    {.path = "/api/v1/messages/queue", .get = ss_api_messages_queue, .api = 1, .get_auth = 1,
     .summary = "The messages the signed-in user may act on: to moderate (a moderator or "
         "supervisor, in its subtree) or to answer (the responsible unit's reporters and "
         "reviewers, published ones)",
     .schema = "MessageQueue",
     .query = {
        {.name = "status", .desc = "received, published or hidden; default: all."}}},
    {.path = "/api/v1/tickets/{ticket}", .get = ss_api_message_ticket, .api = 1,
     .summary = "The writer's own message by its ticket, in any state",
     .param = {.type = "string", .desc = "The ticket given when the message was sent."},
     .schema = "Message"},
    {.path = "/api/v1/tickets/{ticket}/helpful", .api = 1,
     .summary = "Rate the answer",
     .param = {.type = "string", .desc = "The ticket given when the message was sent."},
     .ops = {
        {.method = "POST", .run = ss_api_message_helpful, .status = 200, .body = "MessageHelpful",
         .schema = "Message", .errors = "404 409",
         .summary = "The writer marks the answer helpful or not (again: changes the mark); "
             "only once there is an answer (409)"}}},
    {.path = "/api/v1/messages/{id}/publish", .api = 1, .summary = "Publish a message",
     .param = {.type = "integer", .desc = "Message id."},
     .ops = {
        {.method = "POST", .run = ss_api_message_change, .status = 200, .auth = 1,
         .schema = "MessageStaff", .errors = "404 409",
         .summary = "Publish a received message (a moderator or supervisor of its place): it is "
             "shown in public, sent to the responsible unit, and due to be answered within the "
             "working days configured (default 15)"}}},
    {.path = "/api/v1/messages/{id}/hide", .api = 1, .summary = "Hide a message",
     .param = {.type = "integer", .desc = "Message id."},
     .ops = {
        {.method = "POST", .run = ss_api_message_change, .status = 200, .auth = 1,
         .body = "MessageHide", .schema = "MessageStaff", .errors = "404 409",
         .summary = "Hide a received or published message with a reason: abuse, privacy, "
             "advertising, off_topic, duplicate or unlawful (the public sees the counts by "
             "reason)"}}},
    {.path = "/api/v1/messages/{id}/reply", .api = 1, .summary = "Answer a message",
     .param = {.type = "integer", .desc = "Message id."},
     .ops = {
        {.method = "POST", .run = ss_api_message_change, .status = 200, .auth = 1,
         .body = "MessageReply", .schema = "MessageStaff", .errors = "404 409",
         .summary = "The responsible unit's public answer (its reporter or reviewer), once, to "
             "a published message"}}},
    {.path = "/api/v1/openapi.json", .get = ss_api_openapi, .api = 1, .summary = "This document"},
};
// clang-format on
const size_t ss_nroutes = sizeof ss_routes / sizeof ss_routes[0];

/* The rest of a path (rest) against the rest of a pattern with a second
 * {param} (pat: "/receipts/{receipt}"): the literal before it, one whole
 * segment, then the literal after it exactly. The segment goes into param
 * after the first one's n bytes and a '/' ("2027/abc..."). -1: no match. */
static int second_param(const char *rest, const char *pat, size_t n, char *param, size_t cap)
{
    const char *brace = strchr(pat, '{');
    size_t pre = (size_t)(brace - pat), m;

    if (strncmp(pat, rest, pre) != 0)
        return -1;
    m = strcspn(rest + pre, "/");
    if (m == 0 || n + 1 + m >= cap || strcmp(rest + pre + m, strchr(brace, '}') + 1) != 0)
        return -1;
    param[n] = '/';
    memcpy(param + n + 1, rest + pre, m);
    param[n + 1 + m] = '\0';
    return 0;
}

const struct ss_route *ss_route_match(const char *path, char *param, size_t cap)
{
    size_t i;

    param[0] = '\0';
    for (i = 0; i < ss_nroutes; i++) {
        const char *pat = ss_routes[i].path;
        const char *brace = strchr(pat, '{');
        size_t pre, n;

        if (!brace) {
            if (strcmp(pat, path) == 0)
                return &ss_routes[i];
            continue;
        }
        pre = (size_t)(brace - pat);
        if (strncmp(pat, path, pre) != 0)
            continue;
        /* the segment runs to the next '/', and the rest of the pattern
         * ("/approve" or "") must match the rest of the path exactly */
        n = strcspn(path + pre, "/");
        if (n == 0 || n >= cap)
            continue;
        if (strchr(brace + 1, '{')) {
            if (second_param(path + pre + n, strchr(brace, '}') + 1, n, param, cap) != 0)
                continue;
        } else if (strcmp(path + pre + n, strchr(brace, '}') + 1) != 0) {
            continue;
        }
        memcpy(param, path + pre, n);
        if (!strchr(brace + 1, '{'))
            param[n] = '\0';
        return &ss_routes[i];
    }
    return NULL;
}

/* ---- OpenAPI ------------------------------------------------------------------ */

/* "$ref": "#/components/schemas/NAME" (the first len bytes of name). */
static void schema_ref(struct ss_json *j, const char *name, size_t len)
{
    char ref[96];

    if (len > 64)
        len = 64;
    memcpy(ref, "#/components/schemas/", 21);
    memcpy(ref + 21, name, len);
    ref[21 + len] = '\0';
    ss_json_kstr(j, "$ref", ref);
}

/* "content": {MEDIA: {"schema": { ... — content_close ends all three. */
static void content_open(struct ss_json *j, const char *media)
{
    ss_json_key(j, "content");
    ss_json_obj(j);
    ss_json_key(j, media);
    ss_json_obj(j);
    ss_json_key(j, "schema");
    ss_json_obj(j);
}

static void content_close(struct ss_json *j)
{
    ss_json_obj_end(j);
    ss_json_obj_end(j);
    ss_json_obj_end(j);
}

static void binary_schema(struct ss_json *j)
{
    ss_json_kstr(j, "type", "string");
    ss_json_kstr(j, "format", "binary");
}

/* "operationId": the method and the path after /api/v1/, one word per
 * segment, a {param} as "By" + its name: get /api/v1/targets/{id} ->
 * getTargetsById, post /api/v1/reports/{id}/approve -> postReportsByIdApprove,
 * get /api/v1/ledger.xlsx -> getLedgerXlsx. Derived from the route table, so
 * a new route gets one without a new field; distinct routes give distinct
 * ids (the test checks). */
static void operation_id(struct ss_json *j, const char *method, const char *pattern)
{
    char id[128];
    const char *p = strncmp(pattern, "/api/v1/", 8) == 0 ? pattern + 8 : pattern;
    size_t n = 0;
    int up = 1;

    for (; *method && n < sizeof id - 1; method++)
        id[n++] = (char)(*method | 0x20);
    for (; *p && n < sizeof id - 3; p++) {
        char c = *p;
        if (c == '{') {
            id[n++] = 'B';
            id[n++] = 'y';
            up = 1;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
            up = 1; /* / . _ - } start a new word */
            continue;
        }
        if (up && c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        up = 0;
        id[n++] = c;
    }
    id[n] = '\0';
    ss_json_kstr(j, "operationId", id);
}

/* A property list "name:type" separated by spaces; type is integer, number,
 * string, date, or one of them with a trailing '?' for nullable, or
 * "@Name" / "[@Name]" for a reference / an array of references. */
static void props(struct ss_json *j, const char *spec)
{
    const char *p = spec;

    ss_json_key(j, "properties");
    ss_json_obj(j);
    while (*p) {
        const char *colon = strchr(p, ':'), *end = strchr(p, ' ');
        char name[48], type[48];
        size_t nl, tl;
        int nullable;

        if (!end)
            end = p + strlen(p);
        nl = (size_t)(colon - p);
        tl = (size_t)(end - colon - 1);
        if (nl >= sizeof name || tl >= sizeof type)
            break;
        memcpy(name, p, nl);
        name[nl] = '\0';
        memcpy(type, colon + 1, tl);
        type[tl] = '\0';
        nullable = tl && type[tl - 1] == '?';
        if (nullable)
            type[--tl] = '\0';
        ss_json_key(j, name);
        ss_json_obj(j);
        if (type[0] == '[' && type[1] != '@') { /* "[integer]": an array of a plain type */
            ss_json_kstr(j, "type", "array");
            ss_json_key(j, "items");
            ss_json_obj(j);
            type[strcspn(type, "]")] = '\0';
            ss_json_kstr(j, "type", type + 1);
            ss_json_obj_end(j);
        } else if (type[0] == '@' || type[0] == '[') {
            const char *nm = type[0] == '[' ? type + 2 : type + 1;
            size_t rl = strcspn(nm, "]");
            if (type[0] == '[') {
                ss_json_kstr(j, "type", "array");
                ss_json_key(j, "items");
                ss_json_obj(j);
                schema_ref(j, nm, rl);
                ss_json_obj_end(j);
            } else {
                schema_ref(j, nm, rl);
            }
        } else if (strcmp(type, "date") == 0) {
            ss_json_kstr(j, "type", "string");
            ss_json_kstr(j, "format", "date");
        } else {
            ss_json_kstr(j, "type", type);
        }
        if (nullable)
            ss_json_kbool(j, "nullable", 1);
        ss_json_obj_end(j);
        p = *end ? end + 1 : end;
    }
    ss_json_obj_end(j);
}

static void schema(struct ss_json *j, const char *name, const char *desc, const char *spec)
{
    ss_json_key(j, name);
    ss_json_obj(j);
    ss_json_kstr(j, "type", "object");
    if (desc)
        ss_json_kstr(j, "description", desc);
    props(j, spec);
    ss_json_obj_end(j);
}

#define FIGURES                                                                                    \
    "id:integer project:integer text:string metric:string value:number unit:string "               \
    "op:string kind:string parent:integer? dept:string? org_value:number? actual:number? "         \
    "expected:number? expected_value:number? progress:number? time:number? "                       \
    "projection:number? status:string status_label:string as_of:date last_report:date? "           \
    "reporters:integer coverage:@Coverage? own:boolean children:@ChildrenCheck?"

static void components(struct ss_json *j)
{
    ss_json_key(j, "components");
    ss_json_obj(j);
    ss_json_key(j, "schemas");
    ss_json_obj(j);
    schema(j, "Target",
           "A target and its figures at one org unit as of one day. expected is the share "
           "due by the date in %, progress is actual / planned value in %, time is the share "
           "of the plan period elapsed in %; unknown numbers are null. Rates and changes are "
           "levels: their progress, expected and expected_value are null. own: the unit's "
           "own report is its figure (children then holds its children's sum as a check). "
           "status no_task: no share here and nothing reported.",
           FIGURES);
    schema(j, "Coverage", "Of the units below holding a share, how many reported.",
           "reported:integer expected:integer");
    schema(j, "ChildrenCheck", "The children's sum beside a unit's own report; never added to it.",
           "actual:number? reporters:integer differs:boolean");
    schema(j, "OrgRef", NULL, "code:string name:string level:integer");
    schema(j, "Project", NULL, "no:integer title:string lead_dept:string? targets:[@Target]");
    schema(j, "PlanInfo", NULL,
           "id:integer title:string issuer:string? year:integer start:date end:date "
           "top_org:@OrgRef");
    schema(j, "Plan", "The plan, its projects and every target with figures (also flat).",
           "plan:@PlanInfo as_of:date replica_as_of:string? projects:[@Project] "
           "targets:[@Target]");
    schema(j, "Point", "The figures at one day of the series.",
           "date:date actual:number? expected:number? expected_value:number? "
           "progress:number? status:string");
    schema(j, "Share", "A child org unit's figures.", "org:@OrgRef figures:@Target");
    schema(j, "TargetDetail", NULL,
           "target:@Target org:@OrgRef as_of:date series:[@Point] breakdown:[@Share]");
    schema(j, "OrgDetail", NULL,
           "org:@OrgRef parent:@OrgRef children:[@OrgRef] as_of:date targets:[@Target]");
    schema(j, "Login", "Credentials.", "user:string password:string");
    schema(j, "SessionUser",
           "An account: role is admin, reviewer, reporter, viewer or supervisor, "
           "scoped to the org unit org (and the department dept, \"\" when none).",
           "name:string role:string org:string dept:string");
    schema(j, "Session", "The signed-in user and the session's CSRF token.",
           "user:@SessionUser csrf:string");
    schema(j, "ReportNew",
           "A report: value (counts, amounts, milestones; this year's level for changes), or "
           "numerator and denominator (rates), baseline (changes); date defaults to today, "
           "org to the user's unit; status submitted (default) or draft; correction with a "
           "note allows a lower cumulative value.",
           "target:integer org:string date:date value:number numerator:number "
           "denominator:number baseline:number note:string status:string correction:boolean");
    schema(j, "ReportCreated",
           "Also flags: an array of flags for the reviewer (correction, no_share, "
           "over_3x_share, jump, children_differ). outcome: inserted, replaced (a draft, in "
           "place), corrected "
           "(a returned report, in place) or unchanged.",
           "id:integer status:string outcome:string flags:[string]");
    schema(j, "ReportState", NULL, "id:integer status:string");
    schema(j, "Comment", NULL, "comment:string");
    schema(j, "EvidenceAdded", NULL, "report:integer files:integer");
    schema(j, "Revision", "A version of the report that a reviewer returned, and why.",
           "date:date? value:number? numerator:number? denominator:number? note:string? "
           "returned_by:string? returned_at:string comment:string?");
    schema(j, "InboxReport",
           "share: the unit's share of the target; last: its last approved value (a rate's "
           "level in %) as of the report's date; increase: from last to this report; "
           "history: the versions returned before.",
           "id:integer target:integer metric:string unit:string org:@OrgRef date:date "
           "value:number? numerator:number? denominator:number? note:string? status:string "
           "flags:[string] created_by:string? created_at:string review_comment:string? "
           "share:number? last:number? last_date:date? increase:number? "
           "history:[@Revision]");
    schema(j, "Inbox", NULL, "reports:[@InboxReport]");
    schema(j, "ApproveMany", "The reports to approve (at most 500).", "ids:[integer]");
    schema(j, "ApproveResult", "status approved, or the error that stopped this one.",
           "id:integer status:string? error:@ErrorBody");
    schema(j, "ApproveResults", NULL, "approved:integer failed:integer results:[@ApproveResult]");
    schema(j, "AssignmentNew", "Either org or dept.",
           "target:integer org:string dept:string value:number force:boolean reason:string");
    schema(j, "Assignment", "whole: what the level's shares should add up to.",
           "target:integer org:string value:number whole:number? sum:number warning:string?");
    schema(j, "MyAssignment", NULL,
           "target:integer project:integer metric:string unit:string kind:string value:number "
           "last:number? last_date:date?");
    schema(j, "MyAssignments", NULL,
           "period:string org:@OrgRef date:date deadline:date assignments:[@MyAssignment]");
    schema(j, "CompletenessCounts",
           "Assignments due (expected), reported (on_time + late), missing (none after the "
           "deadline), pending (none yet, deadline to come); rates in %, null when none is due; "
           "last_report: the latest report date among them.",
           "expected:integer reported:integer on_time:integer late:integer missing:integer "
           "pending:integer reporting_rate:number? on_time_rate:number? last_report:date?");
    schema(j, "CompletenessUnit",
           "A unit's counts: rolled up over its subtree (children), or its own assignments' "
           "(units, with the worst state among them).",
           "org:@OrgRef state:string expected:integer reported:integer on_time:integer "
           "late:integer missing:integer pending:integer reporting_rate:number? "
           "on_time_rate:number? last_report:date?");
    schema(j, "CompletenessDept", "The counts of the targets of one department (null: none).",
           "dept:string? expected:integer reported:integer on_time:integer late:integer "
           "missing:integer pending:integer reporting_rate:number? on_time_rate:number? "
           "last_report:date?");
    schema(j, "CompletenessItem",
           "One assignment: state on_time, late, missing or pending; the report that counts "
           "(its id, date and when it was first handed in, UTC), null when none.",
           "target:integer metric:string dept:string? org:@OrgRef state:string report:integer? "
           "report_date:date? handed_in:string? last_report:date?");
    schema(j, "Completeness", NULL,
           "period:string deadline:date as_of:date org:@OrgRef totals:@CompletenessCounts "
           "children:[@CompletenessUnit] units:[@CompletenessUnit] "
           "departments:[@CompletenessDept] assignments:[@CompletenessItem]");
    schema(j, "LedgerError", NULL, "row:integer column:string? field:string message:string");
    schema(j, "LedgerResult",
           "stored: rows stored (new, or replacing the period's draft, or correcting a "
           "returned report); unchanged: rows whose report already holds their values.",
           "format:string period:string status:string stored:integer unchanged:integer "
           "skipped:integer ids:[integer] error_count:integer errors:[@LedgerError]");
    schema(j, "NoticeFigures", "The figures that caused a notice, as of its as_of day.",
           "value:number? actual:number? unit:string expected_value:number? expected:number? "
           "progress:number? time:number? status:string as_of:date last_report:date?");
    schema(j, "NoticeOrg", NULL, "code:string name:string");
    schema(j, "NoticeTarget", NULL, "id:integer metric:string? unit:string?");
    schema(j, "NoticeAnswerText", "The unit's answer; by: its account.",
           "text:string measures:string? due:date? on:date by:string");
    schema(j, "NoticeFile",
           "A file of the answer; href: its download in the console, for those who see the "
           "notice.",
           "id:integer name:string? mime:string size:integer sha256:string added_at:string "
           "href:string");
    schema(j, "NoticeEvent", "One line of a notice's history.",
           "kind:string grade:string day:date at:string by:string? text:string?");
    schema(j, "Notice",
           "A supervision notice (督办单), numbered per plan and year (督办〔2026〕N号). grade: "
           "blue (report missing), yellow, red; status: issued, answered, closed; cause: "
           "lagging, missing or manual; addressed: the unit, and the units above it an "
           "escalation added; to_close: back on track, to be closed by a supervisor.",
           "id:integer number:string year:integer no:integer grade:string status:string "
           "cause:string target:@NoticeTarget org:@NoticeOrg addressed:[@NoticeOrg] "
           "escalations:integer department:string? period:string? as_of:date? "
           "figures:@NoticeFigures? action:string issued_on:date deadline:date "
           "to_close:boolean issued_by:string answer:@NoticeAnswerText? closed_on:date? "
           "closed_by:string? comment:string? history:[@NoticeEvent] "
           "evidence:[@NoticeFile]");
    schema(j, "NoticeList", NULL, "notices:[@Notice]");
    schema(j, "SubscriptionAbout", "Exactly one of target (id), project (number), org (code).",
           "target:integer project:integer org:string");
    schema(j, "SubscriptionNew", "The address to send the confirmation and digests to.",
           "email:string about:@SubscriptionAbout");
    schema(j, "SubscriptionPending",
           "Always pending: whether the address followed this before is not told.",
           "status:string message:string");
    schema(j, "NoticeEvidenceAdded", NULL, "notice:integer files:integer");
    schema(j, "NoticeNew", "A notice by hand: the required action in text.",
           "target:integer org:string text:string grade:string");
    schema(j, "NoticeAnswer", "text: what was done (required); due: the expected date.",
           "text:string measures:string due:date");
    schema(j, "RatingNew",
           "score 1 (very dissatisfied) to 5 (very satisfied); comment at most 500 characters; "
           "project: the project's number (not needed with a code); period: only the plan's "
           "year is open; code: a closed survey's one-time code.",
           "project:integer score:integer comment:string period:string code:string");
    schema(j, "RatingAccepted", "source: open, deputies or staff.",
           "status:string project:integer period:string score:integer source:string");
    schema(j, "SatisfactionPart", "A closed audience's ratings and its surveys' codes.",
           "n:integer mean:number? distribution:[integer] codes:integer used:integer");
    schema(j, "SatisfactionClosed", NULL, "deputies:@SatisfactionPart staff:@SatisfactionPart");
    schema(j, "Satisfaction",
           "Accepted open ratings: n, mean (null when none), distribution (counts of scores 1 "
           "to 5); closed: each closed survey audience's apart; as_of: the day counted.",
           "project:integer period:string n:integer mean:number? distribution:[integer] "
           "as_of:date closed:@SatisfactionClosed");
    schema(j, "ProposalNew",
           "A proposal for next year's plan, taken while a proposal window is open: title, "
           "what it would do (text) and the org unit code it is about (org) are required; "
           "contact is sealed and never shown.",
           "title:string text:string org:string where:string for_whom:string contact:string");
    schema(j, "ProposalCreated", NULL, "id:integer year:integer status:string");
    schema(j, "Proposal",
           "status: new, merged (into merged_into), promoted (to candidate) or declined "
           "(with reason).",
           "id:integer year:integer title:string text:string org:string where:string? "
           "for_whom:string? status:string merged_into:integer? candidate:integer? "
           "reason:string? created_on:date");
    schema(j, "ProposalList", NULL, "year:integer? proposals:[@Proposal]");
    schema(j, "Promote", "The cost estimate in yuan, the lead department, the feasibility note.",
           "cost:number department:string note:string");
    schema(j, "Merge", "The proposal to merge into (a merged one resolves to its own).",
           "into:integer");
    schema(j, "Decline", "Why, shown to the public.", "reason:string");
    schema(j, "Triaged", NULL, "id:integer status:string candidate:integer? merged_into:integer?");
    schema(j, "BallotNew", "Up to seats distinct candidate ids of the year.", "choices:[integer]");
    schema(j, "BallotReceipt",
           "The receipt code: given once, never stored; it finds the ballot's choices.",
           "year:integer receipt:string");
    schema(j, "BallotChoices", NULL, "year:integer choices:[integer] counted:boolean");
    schema(j, "ResultCandidate", NULL,
           "id:integer title:string department:string votes:integer passed:boolean");
    schema(j, "ResultTie",
           "Candidates with equal votes straddling the last seats: none of them passes.",
           "votes:integer seats:integer candidates:[integer]");
    schema(j, "ResultSeal", "The ballots' count and SHA-256 once sealed (cycle seal).",
           "ballots:integer digest:string");
    schema(j, "CycleResult",
           "turnout: ballots / deputies; a candidate passes with more than pass_share of "
           "all deputies' votes, ranked up to seats.",
           "year:integer org:string deputies:integer ballots:integer voters:integer "
           "turnout:number seats:integer pass_share:number candidates:[@ResultCandidate] "
           "ties:@ResultTie? sealed:@ResultSeal?");
    schema(j, "MessageAbout",
           "What a message is about: a target or a project (with the "
           "place it was sent from), or a place.",
           "target:integer project:integer org:string");
    schema(j, "MessageReplyText", "The responsible unit's public answer; by: the unit.",
           "text:string on:date by:string?");
    schema(j, "MessageReplyStaff", "The answer as staff read it: account: who wrote it.",
           "text:string on:date by:string? account:string");
#define MESSAGE_PUBLIC                                                                             \
    "id:integer about:@MessageAbout kind:string status:string text:string received_on:date "       \
    "department:string? hidden_reason:string? published_on:date? deadline:date? photo:string? "    \
    "helpful:boolean? attention:boolean notice:integer? "
    schema(j, "Message",
           "A message from the public. kind: suggestion, complaint, question; status: "
           "received, published, hidden (hidden_reason says why); attention: the supervision "
           "office sees it (unanswered past the deadline, or a complaint whose answer was "
           "marked not helpful). Never a contact.",
           MESSAGE_PUBLIC "reply:@MessageReplyText?");
    schema(j, "MessageStaff",
           "A message as staff read it: who moderated it and whether the writer left a contact "
           "(never the contact itself).",
           MESSAGE_PUBLIC "reply:@MessageReplyStaff? moderated_by:string? has_contact:boolean");
    schema(j, "MessageHidden", "Hidden messages by reason.",
           "abuse:integer privacy:integer advertising:integer off_topic:integer "
           "duplicate:integer unlawful:integer");
    schema(j, "MessageList", NULL,
           "messages:[@Message] hidden:@MessageHidden hidden_total:integer");
    schema(j, "MessageQueue", NULL, "messages:[@MessageStaff]");
    schema(j, "MessageNew",
           "about: {\"target\": ID} or {\"project\": N}, either with an optional \"org\" (the "
           "place), or {\"org\": \"CODE\"}; website: leave empty (a field for robots).",
           "about:@MessageAbout kind:string text:string contact:string? website:string?");
    schema(j, "MessageCreated", "ticket: keep it to follow the message; it is shown once.",
           "id:integer status:string ticket:string");
    schema(j, "MessageHelpful", NULL, "helpful:boolean");
    schema(j, "MessageHide", NULL, "reason:string");
    schema(j, "MessageReply", NULL, "text:string");
    schema(j, "ErrorBody",
           "code: what kind of error (bad_input, bad_parameter, not_found, forbidden, "
           "conflict, throttled, busy, internal ...); field: the input it is about, when it "
           "is about one.",
           "code:string message:string field:string");
    schema(j, "Error", "Every error: a code, a sentence, and the field it is about.",
           "error:@ErrorBody");
    ss_json_obj_end(j);
    ss_json_key(j, "securitySchemes");
    ss_json_obj(j);
    ss_json_key(j, "session");
    ss_json_obj(j);
    ss_json_kstr(j, "type", "apiKey");
    ss_json_kstr(j, "in", "cookie");
    ss_json_kstr(j, "name", "ss_session");
    ss_json_obj_end(j);
    ss_json_key(j, "csrf");
    ss_json_obj(j);
    ss_json_kstr(j, "type", "apiKey");
    ss_json_kstr(j, "in", "header");
    ss_json_kstr(j, "name", "X-CSRF-Token");
    ss_json_obj_end(j);
    ss_json_obj_end(j);
    ss_json_obj_end(j);
}

static void response_ref(struct ss_json *j, const char *status, const char *desc,
                         const char *schema_name)
{
    ss_json_key(j, status);
    ss_json_obj(j);
    ss_json_kstr(j, "description", desc);
    content_open(j, "application/json");
    if (schema_name)
        schema_ref(j, schema_name, strlen(schema_name));
    else
        ss_json_kstr(j, "type", "object");
    content_close(j);
    ss_json_obj_end(j);
}

/* A binary body of the given media type (a download). */
static void response_binary(struct ss_json *j, const char *status, const char *desc,
                            const char *media)
{
    ss_json_key(j, status);
    ss_json_obj(j);
    ss_json_kstr(j, "description", desc);
    content_open(j, media);
    binary_schema(j);
    content_close(j);
    ss_json_obj_end(j);
}

static void param(struct ss_json *j, const char *name, const char *in, const char *type,
                  const char *format, const char *desc, int required)
{
    ss_json_obj(j);
    ss_json_kstr(j, "name", name);
    ss_json_kstr(j, "in", in);
    ss_json_kbool(j, "required", required);
    ss_json_kstr(j, "description", desc);
    ss_json_key(j, "schema");
    ss_json_obj(j);
    ss_json_kstr(j, "type", type);
    if (format)
        ss_json_kstr(j, "format", format);
    ss_json_obj_end(j);
    ss_json_obj_end(j);
}

/* The second {param} of a route's path (after the first, at brace), if
 * it has one. */
static void second_path_param(struct ss_json *j, const struct ss_route *rt, const char *brace)
{
    const char *b2 = strchr(brace + 1, '{');
    char name[32];
    size_t n;

    if (!b2)
        return;
    n = strcspn(b2 + 1, "}");
    if (n >= sizeof name)
        n = sizeof name - 1;
    memcpy(name, b2 + 1, n);
    name[n] = '\0';
    param(j, name, "path", rt->param2.type ? rt->param2.type : "string", NULL, rt->param2.desc, 1);
}

static const char *status_text(const char *code)
{
    static const char *const t[][2] = {
        {"400", "The request is malformed."},
        {"401", "Not signed in, or the credentials are wrong."},
        {"403", "The CSRF token is missing or wrong, or the action is outside the user's "
                "scope."},
        {"404", "No such item."},
        {"409", "The request contradicts the stored state."},
        {"413", "The body is too large."},
        {"415", "The body is not application/json."},
        {"422", "The values do not validate."},
        {"429", "Too many attempts from this address (or, signing in, for this name): wait "
                "and retry."},
        {"503", "The server is busy (checking other sign-ins, reading other sheets): retry in a "
                "moment."},
    };
    size_t i;

    for (i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(t[i][0], code) == 0)
            return t[i][1];
    return "Refused.";
}

/* "security": session (and CSRF for writes), or [] for a public operation:
 * every operation says which, so no reader has to guess. */
static void security(struct ss_json *j, int auth, int csrf)
{
    ss_json_key(j, "security");
    ss_json_arr(j);
    if (!auth) {
        ss_json_arr_end(j);
        return;
    }
    ss_json_obj(j);
    ss_json_key(j, "session");
    ss_json_arr(j);
    ss_json_arr_end(j);
    if (csrf) {
        ss_json_key(j, "csrf");
        ss_json_arr(j);
        ss_json_arr_end(j);
    }
    ss_json_obj_end(j);
    ss_json_arr_end(j);
}

static void operation(struct ss_json *j, const struct ss_route *rt, const struct ss_route_op *op)
{
    char key[16], code[8];
    const char *brace = strchr(rt->path, '{'), *e;
    int multipart = op->body && strncmp(op->body, "multipart:", 10) == 0;
    size_t i;

    for (i = 0; i < sizeof key - 1 && op->method[i]; i++)
        key[i] = (char)(op->method[i] | 0x20);
    key[i] = '\0';
    ss_json_key(j, key);
    ss_json_obj(j);
    ss_json_kstr(j, "summary", op->summary);
    operation_id(j, op->method, rt->path);
    security(j, op->auth, 1);
    ss_json_key(j, "parameters");
    ss_json_arr(j);
    if (brace) {
        char name[32];
        size_t n = strcspn(brace + 1, "}");
        if (n >= sizeof name)
            n = sizeof name - 1;
        memcpy(name, brace + 1, n);
        name[n] = '\0';
        param(j, name, "path", rt->param.type, NULL, rt->param.desc, 1);
        second_path_param(j, rt, brace);
    }
    if (!rt->get)
        for (i = 0; i < sizeof rt->query / sizeof rt->query[0] && rt->query[i].name; i++)
            param(j, rt->query[i].name, "query", "string", rt->query[i].format, rt->query[i].desc,
                  0);
    ss_json_arr_end(j);
    if (op->body) {
        ss_json_key(j, "requestBody");
        ss_json_obj(j);
        ss_json_kbool(j, "required", 1);
        if (multipart) { /* an upload: one file in the named form field */
            const char *field = op->body + 10;
            content_open(j, "multipart/form-data");
            ss_json_kstr(j, "type", "object");
            ss_json_key(j, "required");
            ss_json_arr(j);
            ss_json_str(j, field);
            ss_json_arr_end(j);
            ss_json_key(j, "properties");
            ss_json_obj(j);
            ss_json_key(j, field);
            ss_json_obj(j);
            binary_schema(j);
            ss_json_obj_end(j);
            ss_json_obj_end(j);
        } else {
            content_open(j, "application/json");
            schema_ref(j, op->body, strlen(op->body));
        }
        content_close(j);
        ss_json_obj_end(j);
    }
    ss_json_key(j, "responses");
    ss_json_obj(j);
    snprintf(code, sizeof code, "%d", op->status);
    if (op->status == 204) {
        ss_json_key(j, code);
        ss_json_obj(j);
        ss_json_kstr(j, "description", "Done; no content.");
        ss_json_obj_end(j);
    } else {
        response_ref(j, code, "OK", op->schema);
    }
    if (op->body || (!rt->get && rt->query[0].name))
        response_ref(j, "400", status_text("400"), "Error");
    if (op->auth) {
        response_ref(j, "401", status_text("401"), "Error");
        response_ref(j, "403", status_text("403"), "Error");
    }
    for (e = op->errors; e && *e;) {
        size_t n = strcspn(e, " ");
        if (n && n < sizeof code) {
            memcpy(code, e, n);
            code[n] = '\0';
            response_ref(j, code, status_text(code), "Error");
        }
        e += n;
        e += strspn(e, " ");
    }
    if (op->body && !multipart) { /* uploads list their own 413 */
        response_ref(j, "413", status_text("413"), "Error");
        response_ref(j, "415", status_text("415"), "Error");
    }
    ss_json_obj_end(j);
    ss_json_obj_end(j);
}

void ss_web_openapi(struct ss_buf *b)
{
    struct ss_json j;
    size_t i, k;

    ss_json_init(&j, b, 1);
    ss_json_obj(&j);
    ss_json_kstr(&j, "openapi", "3.0.3");
    ss_json_key(&j, "info");
    ss_json_obj(&j);
    ss_json_kstr(&j, "title", "shishi public progress API");
    ss_json_kstr(&j, "version", "1");
    ss_json_kstr(&j, "description",
                 "Figures of the annual livelihood commitments (民生实事): the plan, each "
                 "target's progress against time at any org unit, as of any day. Only "
                 "approved reports count. Reading figures needs no account; sessions "
                 "(/api/v1/session) sign in the units that report and review, and every "
                 "state-changing request needs the session cookie and its CSRF token.");
    /* The repository grants no licence (package.json: UNLICENSED, as npm
     * defines it at the url); the document says so rather than invent one.
     * Choosing a licence is the owner's decision: this is the one place. */
    ss_json_key(&j, "license");
    ss_json_obj(&j);
    ss_json_kstr(&j, "name", "UNLICENSED");
    ss_json_kstr(&j, "url", "https://docs.npmjs.com/cli/v10/configuring-npm/package-json#license");
    ss_json_obj_end(&j);
    ss_json_obj_end(&j);
    /* The document is served by the server it describes: its paths are
     * relative to wherever that server answers (127.0.0.1:8080 by default). */
    ss_json_key(&j, "servers");
    ss_json_arr(&j);
    ss_json_obj(&j);
    ss_json_kstr(&j, "url", "/");
    ss_json_kstr(&j, "description",
                 "The shishi server that serves this document (shishi serve; "
                 "http://127.0.0.1:8080 by default).");
    ss_json_obj_end(&j);
    ss_json_arr_end(&j);
    ss_json_key(&j, "paths");
    ss_json_obj(&j);
    for (i = 0; i < ss_nroutes; i++) {
        const struct ss_route *rt = &ss_routes[i];
        const char *brace;

        if (!rt->api)
            continue;
        ss_json_key(&j, rt->path);
        ss_json_obj(&j);
        for (k = 0; k < SS_ROUTE_MAX_OPS && rt->ops[k].method; k++)
            operation(&j, rt, &rt->ops[k]);
        if (!rt->get) {
            ss_json_obj_end(&j);
            continue;
        }
        ss_json_key(&j, "get");
        ss_json_obj(&j);
        ss_json_kstr(&j, "summary", rt->summary);
        operation_id(&j, "GET", rt->path);
        security(&j, rt->get_auth, 0);
        ss_json_key(&j, "parameters");
        ss_json_arr(&j);
        brace = strchr(rt->path, '{');
        if (brace) {
            char name[32];
            size_t n = strcspn(brace + 1, "}");
            if (n >= sizeof name)
                n = sizeof name - 1;
            memcpy(name, brace + 1, n);
            name[n] = '\0';
            param(&j, name, "path", rt->param.type, NULL, rt->param.desc, 1);
            second_path_param(&j, rt, brace);
        }
        for (k = 0; k < sizeof rt->query / sizeof rt->query[0] && rt->query[k].name; k++)
            param(&j, rt->query[k].name, "query", "string", rt->query[k].format, rt->query[k].desc,
                  0);
        ss_json_arr_end(&j);
        ss_json_key(&j, "responses");
        ss_json_obj(&j);
        if (rt->media)
            response_binary(&j, "200", "OK", rt->media);
        else
            response_ref(&j, "200", "OK", rt->schema);
        if (rt->get_auth)
            response_ref(&j, "401", status_text("401"), "Error");
        if (brace || rt->query[0].name) {
            response_ref(&j, "400", "A parameter is malformed.", "Error");
            if (brace)
                response_ref(&j, "404", "No such item.", "Error");
        }
        if (!rt->ops[0].method)
            response_ref(&j, "405", "Only GET and HEAD are allowed.", "Error");
        ss_json_obj_end(&j);
        ss_json_obj_end(&j);
        ss_json_obj_end(&j);
    }
    ss_json_obj_end(&j);
    components(&j);
    ss_json_obj_end(&j);
    ss_buf_putc(b, '\n');
}
