/* fw-sync.c — pushing local changes and pulling the server's, over HTTP
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One sync run, blocking, for a worker thread or a command-line tool:
 *   1. push the outbox, in batches, each answer applied in one transaction;
 *   2. pull the server's changes after the stored cursor, each page and its
 *      new cursor in one transaction;
 *   3. pull sensor readings newer than the cache has.
 * Anything may fail at any point and the run can simply be repeated:
 * mutation ids make pushing twice harmless, and a cursor is stored only
 * with the changes it covers. docs/sync-protocol.md has the rules.
 *
 * The caller decides when to run again; fw_sync_backoff_delay() says how
 * long to wait after a failure.
 */

#include "config.h"

#include <math.h>
#include <libsoup/soup.h>
#include <glib/gi18n-lib.h>

#include "fw-cache-private.h"
#include "fw-outbox.h"
#include "fw-sync.h"
#include "fw-wire.h"

G_DEFINE_QUARK (fw-sync-error-quark, fw_sync_error)

#define PUSH_BATCH 500
#define PULL_PAGE 1000
#define READINGS_PAGE 100000
#define DEFAULT_TIMEOUT 30
#define CURSOR_KEY "cursor"
#define RESYNC_KEY "resync"
#define LAST_SUCCESS_KEY "last_success"
#define LAST_ERROR_KEY "last_error"
#define ACCOUNT_NAME_KEY "account_name"
#define ACCOUNT_ROLE_KEY "account_role"
#define MAX_BACKOFF 900

/**
 * fw_sync_describe:
 * @last_success: when the last sync succeeded, 0 for never
 * @timezone: (nullable): where "14:05" is read; the user's own if %NULL
 * @reason: (nullable): why sync fails, for %FW_SYNC_STATE_FAILING
 *
 * The words for the sync state in the header bar: short, and true.
 *
 * Returns: (transfer full): such as "Up to date at 14:05" or
 *   "Offline, 3 changes waiting"
 */
char *
fw_sync_describe (FwSyncState  state,
                  guint        pending,
                  FwTime       last_success,
                  GTimeZone   *timezone,
                  const char  *reason)
{
  g_autofree char *waiting = NULL;

  if (pending > 0)
    waiting = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change waiting", "%u changes waiting", pending),
                               pending);

  switch (state)
    {
    case FW_SYNC_STATE_SIGNED_OUT:
      return waiting != NULL ? g_strdup_printf (_("Not signed in, %s"), waiting) : g_strdup (_("Not signed in"));

    case FW_SYNC_STATE_NEEDS_SIGN_IN:
      return waiting != NULL ? g_strdup_printf (_("Sign in again, %s"), waiting) : g_strdup (_("Sign in again"));

    case FW_SYNC_STATE_SYNCING:
      return g_strdup (_("Syncing…"));

    case FW_SYNC_STATE_OFFLINE:
      return waiting != NULL ? g_strdup_printf (_("Offline, %s"), waiting) : g_strdup (_("Offline"));

    case FW_SYNC_STATE_FAILING:
      return g_strdup_printf (_("Sync failing: %s"), reason != NULL ? reason : _("no reason given"));

    case FW_SYNC_STATE_UP_TO_DATE:
      if (waiting != NULL)
        return g_steal_pointer (&waiting);
      if (last_success > 0)
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (last_success);
          g_autoptr(GDateTime) local = timezone != NULL ? g_date_time_to_timezone (utc, timezone)
                                                        : g_date_time_to_local (utc);
          g_autofree char *time = g_date_time_format (local, "%H:%M");

          /* TRANSLATORS: %s is a time such as 14:05 */
          return g_strdup_printf (_("Up to date at %s"), time);
        }
      return g_strdup (_("Up to date"));

    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * fw_sync_error_is_transient:
 *
 * Returns: whether trying again later may succeed without the user doing
 *   anything
 */
gboolean
fw_sync_error_is_transient (const GError *error)
{
  if (error == NULL || error->domain != FW_SYNC_ERROR)
    return FALSE;

  switch ((FwSyncError) error->code)
    {
    case FW_SYNC_ERROR_UNREACHABLE:
    case FW_SYNC_ERROR_THROTTLED:
    case FW_SYNC_ERROR_SERVER:
    case FW_SYNC_ERROR_PROTOCOL:
      return TRUE;
    case FW_SYNC_ERROR_UNAUTHORIZED:
    case FW_SYNC_ERROR_CERTIFICATE:
    case FW_SYNC_ERROR_REFUSED:
    case FW_SYNC_ERROR_INVALID:
    default:
      return FALSE;
    }
}

/**
 * fw_sync_backoff_delay:
 * @failures: failed runs in a row, 1 for the first
 * @retry_after: what the server asked for, 0 if nothing
 * @jitter: a random number in [0, 1)
 *
 * Exponential backoff with full jitter from 5 s, capped at 15 minutes,
 * and never sooner than the server asked: many clients coming back after
 * an outage spread out instead of arriving together.
 *
 * Returns: seconds to wait before the next run
 */
guint
fw_sync_backoff_delay (guint  failures,
                       guint  retry_after,
                       double jitter)
{
  double ceiling = MIN (MAX_BACKOFF, 5.0 * pow (2.0, MIN (failures, 16) - 1.0));
  guint delay = (guint) ceil (ceiling / 2.0 + jitter * ceiling / 2.0);

  return MAX (delay, retry_after);
}

typedef struct
{
  SoupSession        *session;
  const FwSyncConfig *config;
  GCancellable       *cancellable;
  FwSyncReport       *report;
} Client;

static gboolean
client_init (Client              *client,
             const FwSyncConfig  *config,
             FwSyncReport        *report,
             GCancellable        *cancellable,
             GError             **error)
{
  g_autoptr(GUri) uri = NULL;

  client->config = config;
  client->report = report;
  client->cancellable = cancellable;

  uri = config->server_url != NULL ? g_uri_parse (config->server_url, G_URI_FLAGS_NONE, NULL) : NULL;
  if (uri == NULL ||
      (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "http") != 0) ||
      g_uri_get_host (uri) == NULL)
    {
      g_set_error (error, FW_SYNC_ERROR, FW_SYNC_ERROR_INVALID,
                   _("“%s” is not a server address such as https://fishwatch.example.org"),
                   config->server_url ?: "");
      return FALSE;
    }

  client->session = soup_session_new_with_options ("timeout", config->timeout ?: DEFAULT_TIMEOUT,
                                                   "user-agent", "fishwatch/" PACKAGE_VERSION " ",
                                                   NULL);

  /* A self-hosted server's own CA, in addition to nothing: the system's
   * list is replaced, never widened to trust everything. */
  if (config->ca_file != NULL && *config->ca_file != '\0')
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (config->ca_file, &local_error);

      if (database == NULL)
        {
          g_set_error (error, FW_SYNC_ERROR, FW_SYNC_ERROR_INVALID,
                       _("Cannot read the certificate authority file “%s”: %s"),
                       config->ca_file, local_error->message);
          g_clear_object (&client->session);
          return FALSE;
        }
      soup_session_set_tls_database (client->session, database);
    }

  return TRUE;
}

static void
client_clear (Client *client)
{
  g_clear_object (&client->session);
}

static const char *
server_message (JsonNode   *answer,
                const char *fallback)
{
  JsonObject *object = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  JsonNode *error = object != NULL ? json_object_get_member (object, "error") : NULL;
  JsonNode *message;

  if (error == NULL || !JSON_NODE_HOLDS_OBJECT (error))
    return fallback;

  message = json_object_get_member (json_node_get_object (error), "message");
  if (message == NULL || json_node_get_value_type (message) != G_TYPE_STRING)
    return fallback;

  return json_node_get_string (message);
}

/* Sends one request and reads its JSON answer. Transport trouble and
 * HTTP errors become FW_SYNC_ERROR codes; @status keeps the HTTP status so
 * a caller can treat some (410 on pull) specially. */
static JsonNode *
client_call (Client      *client,
             const char  *method,
             const char  *path,
             const char  *body,
             guint       *status,
             GError     **error)
{
  g_autofree char *base = g_strdup (client->config->server_url);
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  const char *text;
  gsize length;

  *status = 0;

  /* "https://host/" and "https://host" are the same server. */
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  url = g_strconcat (base, path, NULL);

  message = soup_message_new (method, url);
  if (message == NULL)
    {
      g_set_error (error, FW_SYNC_ERROR, FW_SYNC_ERROR_INVALID,
                   _("“%s” is not a server address"), client->config->server_url);
      return NULL;
    }

  if (client->config->token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", client->config->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
    }

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }

  answer = soup_session_send_and_read (client->session, message, client->cancellable, &local_error);
  if (answer == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (local_error->domain == G_TLS_ERROR)
        g_set_error (error, FW_SYNC_ERROR, FW_SYNC_ERROR_CERTIFICATE,
                     _("The server’s certificate is not trusted: %s"), local_error->message);
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        g_set_error (error, FW_SYNC_ERROR, FW_SYNC_ERROR_UNREACHABLE,
                     _("The server did not answer within %u seconds"),
                     client->config->timeout ?: DEFAULT_TIMEOUT);
      else
        g_set_error (error, FW_SYNC_ERROR, FW_SYNC_ERROR_UNREACHABLE,
                     _("Cannot reach the server: %s"), local_error->message);
      return NULL;
    }

  *status = soup_message_get_status (message);
  text = g_bytes_get_data (answer, &length);

  if (!json_parser_load_from_data (parser, text != NULL ? text : "", length, NULL) ||
      json_parser_get_root (parser) == NULL)
    {
      /* An error page (a proxy's HTML) is judged by its status; only a
       * success that does not parse is a truncated answer. */
      if (*status < 200 || *status >= 300)
        root = NULL;
      else
        {
          g_set_error (error, FW_SYNC_ERROR, FW_SYNC_ERROR_PROTOCOL,
                       _("The server’s answer was cut short or is not JSON (HTTP %u)"), *status);
          return NULL;
        }
    }
  else
    root = json_parser_steal_root (parser);

  if (*status >= 200 && *status < 300)
    return root;

  if (*status == SOUP_STATUS_UNAUTHORIZED)
    g_set_error (error, FW_SYNC_ERROR, FW_SYNC_ERROR_UNAUTHORIZED,
                 _("Sign in again: %s"), server_message (root, _("the server does not know this session")));
  else if (*status == 429 || *status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    {
      const char *retry = soup_message_headers_get_one (soup_message_get_response_headers (message), "Retry-After");
      guint64 seconds = 0;

      if (retry == NULL || !g_ascii_string_to_unsigned (retry, 10, 0, 86400, &seconds, NULL))
        seconds = 0;
      client->report->retry_after = (guint) seconds;
      g_set_error (error, FW_SYNC_ERROR, FW_SYNC_ERROR_THROTTLED,
                   _("The server is busy: %s"), server_message (root, _("try again later")));
    }
  else if (*status >= 500)
    g_set_error (error, FW_SYNC_ERROR, FW_SYNC_ERROR_SERVER,
                 _("The server failed (HTTP %u): %s"), *status, server_message (root, _("no details")));
  else
    g_set_error (error, FW_SYNC_ERROR, FW_SYNC_ERROR_REFUSED,
                 _("The server refused the request (HTTP %u): %s"), *status,
                 server_message (root, _("no details")));

  g_clear_pointer (&root, json_node_unref);
  return NULL;
}

/**
 * fw_sync_sign_in:
 *
 * Returns: (transfer full): a session token, or %NULL with @error set
 */
char *
fw_sync_sign_in (const FwSyncConfig  *config,
                 const char          *username,
                 const char          *password,
                 GCancellable        *cancellable,
                 GError             **error)
{
  FwSyncReport report = { 0, };
  FwSyncConfig anonymous = *config;
  Client client = { 0, };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *body = NULL;
  JsonNode *token;
  guint status;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (username != NULL && password != NULL, NULL);

  anonymous.token = NULL;
  if (!client_init (&client, &anonymous, &report, cancellable, error))
    return NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  body = json_to_string (request, FALSE);

  answer = client_call (&client, "POST", "/api/v1/session", body, &status, error);
  client_clear (&client);

  if (answer == NULL)
    {
      /* At sign-in, 401 means the password, not an expired session. */
      if (error != NULL && g_error_matches (*error, FW_SYNC_ERROR, FW_SYNC_ERROR_UNAUTHORIZED))
        {
          g_clear_error (error);
          g_set_error_literal (error, FW_SYNC_ERROR, FW_SYNC_ERROR_REFUSED,
                               _("The user name or password is wrong"));
        }
      /* Only 429 counts failed sign-ins; a 503 is a busy store and keeps
       * its own words. */
      else if (status == 429 && error != NULL && g_error_matches (*error, FW_SYNC_ERROR, FW_SYNC_ERROR_THROTTLED))
        {
          g_autofree char *message = g_strdup_printf (
            g_dngettext (GETTEXT_PACKAGE,
                         "Too many failed sign-ins: try again in %u second",
                         "Too many failed sign-ins: try again in %u seconds",
                         report.retry_after),
            report.retry_after);

          g_clear_error (error);
          g_set_error_literal (error, FW_SYNC_ERROR, FW_SYNC_ERROR_THROTTLED, message);
        }
      return NULL;
    }

  token = JSON_NODE_HOLDS_OBJECT (answer) ? json_object_get_member (json_node_get_object (answer), "token") : NULL;
  if (token == NULL || json_node_get_value_type (token) != G_TYPE_STRING)
    {
      g_set_error_literal (error, FW_SYNC_ERROR, FW_SYNC_ERROR_PROTOCOL,
                           _("The server’s answer to the sign-in has no session token"));
      return NULL;
    }

  return g_strdup (json_node_get_string (token));
}

gboolean
fw_sync_sign_out (const FwSyncConfig  *config,
                  GCancellable        *cancellable,
                  GError             **error)
{
  FwSyncReport report = { 0, };
  Client client = { 0, };
  g_autoptr(JsonNode) answer = NULL;
  guint status;

  g_return_val_if_fail (config != NULL, FALSE);

  if (!client_init (&client, config, &report, cancellable, error))
    return FALSE;

  answer = client_call (&client, "DELETE", "/api/v1/session", NULL, &status, error);
  client_clear (&client);
  return answer != NULL;
}

typedef struct
{
  GPtrArray *entries;   /* FwOutboxEntry, the batch sent */
  JsonArray *results;
  FwSyncReport *report;
} PushAnswer;

static FwOutboxEntry *
find_entry (GPtrArray  *entries,
            const char *mutation_id)
{
  for (guint i = 0; i < entries->len; i++)
    {
      FwOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (g_strcmp0 (entry->mutation_id, mutation_id) == 0)
        return entry;
    }

  return NULL;
}

static gboolean
apply_push_answer_cb (FwCache  *cache,
                      gpointer  user_data,
                      GError  **error)
{
  PushAnswer *answer = user_data;

  for (guint i = 0; i < json_array_get_length (answer->results); i++)
    {
      JsonNode *node = json_array_get_element (answer->results, i);
      JsonObject *result;
      FwOutboxEntry *entry;
      const char *status;
      gint64 revision;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      result = json_node_get_object (node);

      entry = find_entry (answer->entries, json_object_get_string_member_with_default (result, "mutation_id", NULL));
      status = json_object_get_string_member_with_default (result, "status", "");
      revision = json_object_get_int_member_with_default (result, "revision", 0);

      /* An answer to something we did not send is ignored. */
      if (entry == NULL || status == NULL)
        continue;

      if (g_str_equal (status, "applied"))
        {
          if (!fw_cache_outbox_applied (cache, entry, revision, error))
            return FALSE;
          answer->report->applied++;
        }
      else if (g_str_equal (status, "rejected") || g_str_equal (status, "conflict"))
        {
          gboolean conflict = g_str_equal (status, "conflict");
          JsonNode *server_record = json_object_get_member (result, "server_record");
          g_autofree char *server_json = server_record != NULL ? json_to_string (server_record, FALSE) : NULL;
          JsonNode *error_node = json_object_get_member (result, "error");
          const char *reason = NULL;

          if (error_node != NULL && JSON_NODE_HOLDS_OBJECT (error_node))
            reason = json_object_get_string_member_with_default (json_node_get_object (error_node), "message", NULL);

          if (!fw_cache_outbox_refused (cache, entry, conflict ? FW_OUTBOX_CONFLICT : FW_OUTBOX_REJECTED,
                                        reason, server_json, revision, error))
            return FALSE;

          if (conflict)
            answer->report->conflicts++;
          else
            answer->report->rejected++;
        }
    }

  return TRUE;
}

static JsonNode *
mutation_json (FwOutboxEntry *entry)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "mutation_id");
  json_builder_add_string_value (builder, entry->mutation_id);
  json_builder_set_member_name (builder, "entity");
  json_builder_add_string_value (builder, fw_entity_to_string (entry->entity));
  json_builder_set_member_name (builder, "op");
  json_builder_add_string_value (builder, entry->delete ? "delete" : "upsert");
  json_builder_set_member_name (builder, "base_revision");
  json_builder_add_int_value (builder, entry->base_revision);
  if (entry->delete)
    {
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, entry->record_uuid);
    }
  else
    {
      json_builder_set_member_name (builder, "record");
      json_builder_add_value (builder, json_from_string (entry->payload, NULL));
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
push (FwCache  *cache,
      Client   *client,
      GError  **error)
{
  /* Each round sends at most one change per record: the next edit of a
   * record needs the revision its predecessor gets. */
  for (;;)
    {
      g_autoptr(GPtrArray) pending = fw_cache_list_outbox (cache, FW_OUTBOX_PENDING, PUSH_BATCH * 4, error);
      g_autoptr(GPtrArray) batch = g_ptr_array_new ();
      g_autoptr(GHashTable) records = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) request = NULL;
      g_autoptr(JsonNode) answer = NULL;
      g_autofree char *body = NULL;
      PushAnswer push_answer;
      JsonNode *results;
      guint status, settled;

      if (pending == NULL)
        return FALSE;

      for (guint i = 0; i < pending->len && batch->len < PUSH_BATCH; i++)
        {
          FwOutboxEntry *entry = g_ptr_array_index (pending, i);

          if (g_hash_table_contains (records, entry->record_uuid))
            continue;
          g_hash_table_add (records, entry->record_uuid);
          g_ptr_array_add (batch, entry);
        }

      if (batch->len == 0)
        return TRUE;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "mutations");
      json_builder_begin_array (builder);
      for (guint i = 0; i < batch->len; i++)
        json_builder_add_value (builder, mutation_json (g_ptr_array_index (batch, i)));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      request = json_builder_get_root (builder);
      body = json_to_string (request, FALSE);

      answer = client_call (client, "POST", "/api/v1/sync/push", body, &status, error);
      if (answer == NULL)
        return FALSE;

      results = JSON_NODE_HOLDS_OBJECT (answer) ? json_object_get_member (json_node_get_object (answer), "results") : NULL;
      if (results == NULL || !JSON_NODE_HOLDS_ARRAY (results))
        {
          g_set_error_literal (error, FW_SYNC_ERROR, FW_SYNC_ERROR_PROTOCOL,
                               _("The server’s answer to a push has no results"));
          return FALSE;
        }

      settled = client->report->applied + client->report->rejected + client->report->conflicts;
      client->report->pushed += batch->len;
      push_answer.entries = batch;
      push_answer.results = json_node_get_array (results);
      push_answer.report = client->report;
      if (!fw_cache_run_in_transaction (cache, apply_push_answer_cb, &push_answer, error))
        return FALSE;

      /* An answer that settles none of the batch (no results, or only
       * ones this version cannot act on, such as a status it does not
       * know) would have us send the same again at once, for ever. The
       * changes stay queued for a later run. */
      if (client->report->applied + client->report->rejected + client->report->conflicts == settled)
        {
          g_set_error_literal (error, FW_SYNC_ERROR, FW_SYNC_ERROR_PROTOCOL,
                               _("The server’s answer to a push settles none of the changes sent"));
          return FALSE;
        }
    }
}

typedef struct
{
  JsonArray    *changes;
  const char   *cursor;
  FwSyncReport *report;
  gboolean      resync;
} PullPage;

static gboolean
run_statement (FwCache     *cache,
               const char  *sql,
               const char  *uuid,
               GError     **error)
{
  sqlite3_stmt *stmt = fw_cache_prepare (cache, sql, error);

  if (stmt == NULL)
    return FALSE;

  if (uuid != NULL)
    sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  return fw_cache_step (cache, stmt, _("applying the server’s changes"), error);
}

/* A full download after the server forgot our cursor notes every record it
 * brings in resync_seen, in the transaction of its page; the flag in
 * sync_state says a download is under way. */
static gboolean
begin_resync_cb (FwCache  *cache,
                 gpointer  user_data,
                 GError  **error)
{
  return run_statement (cache, "DELETE FROM resync_seen", NULL, error) &&
         fw_cache_set_sync_state (cache, CURSOR_KEY, NULL, error) &&
         fw_cache_set_sync_state (cache, RESYNC_KEY, "1", error);
}

/* Notes are lost when a download has gone past its first page (the cursor
 * is set) yet nothing is noted. */
static gboolean
resync_notes_lost (FwCache   *cache,
                   gboolean  *lost,
                   GError   **error)
{
  sqlite3_stmt *stmt;
  int rc;

  fw_cache_lock (cache);
  stmt = fw_cache_prepare (cache,
                           "SELECT EXISTS (SELECT 1 FROM sync_state WHERE key = '" CURSOR_KEY "') "
                           "AND NOT EXISTS (SELECT 1 FROM resync_seen)",
                           error);
  if (stmt == NULL)
    {
      fw_cache_unlock (cache);
      return FALSE;
    }

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *lost = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    fw_cache_fail (cache, rc, _("reading the sync state"), error);
  fw_cache_unlock (cache);

  return rc == SQLITE_ROW;
}

/* What the cache holds from the server but the full download did not bring
 * is gone on the server: it becomes a tombstone, unless a local change to
 * it still waits to be pushed. */
static gboolean
finish_resync_cb (FwCache  *cache,
                  gpointer  user_data,
                  GError  **error)
{
  static const char * const purges[] = {
#define PURGE(table) \
    "UPDATE " table " SET deleted = 1 WHERE deleted = 0 AND revision > 0 " \
    "AND uuid NOT IN (SELECT uuid FROM resync_seen) " \
    "AND uuid NOT IN (SELECT record_uuid FROM outbox)"
    PURGE ("logbook_entries"),
    PURGE ("sensors"),
    PURGE ("units"),
    PURGE ("sites"),
    PURGE ("farms"),
#undef PURGE
  };

  for (guint i = 0; i < G_N_ELEMENTS (purges); i++)
    if (!run_statement (cache, purges[i], NULL, error))
      return FALSE;

  return run_statement (cache, "DELETE FROM resync_seen", NULL, error) &&
         fw_cache_set_sync_state (cache, RESYNC_KEY, NULL, error);
}

static int
entity_rank (JsonNode *change)
{
  FwEntity entity = FW_ENTITY_LOGBOOK_ENTRY;
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (change) ? json_node_get_object (change) : NULL;

  if (object != NULL)
    fw_entity_from_string (json_object_get_string_member_with_default (object, "entity", ""), &entity);
  return entity;
}

static int
compare_changes (gconstpointer a,
                 gconstpointer b)
{
  return entity_rank (*(JsonNode **) a) - entity_rank (*(JsonNode **) b);
}

static gboolean
parent_known (FwCache     *cache,
              FwRecord    *record,
              gboolean    *known,
              GError     **error)
{
  static const char * const lookups[FW_N_ENTITIES] = {
    NULL,
    "SELECT EXISTS (SELECT 1 FROM farms WHERE uuid = ?1)",
    "SELECT EXISTS (SELECT 1 FROM sites WHERE uuid = ?1)",
    "SELECT EXISTS (SELECT 1 FROM units WHERE uuid = ?1)",
    "SELECT EXISTS (SELECT 1 FROM units WHERE uuid = ?1)",
    "SELECT EXISTS (SELECT 1 FROM farms WHERE uuid = ?1)",   /* an alert rule's farm */
    "SELECT EXISTS (SELECT 1 FROM units WHERE uuid = ?1)",   /* an alert's unit */
  };
  const char *sql = lookups[fw_entity_of_record (record)];
  sqlite3_stmt *stmt;
  int rc;

  *known = TRUE;
  if (sql == NULL)
    return TRUE;

  stmt = fw_cache_prepare (cache, sql, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, fw_wire_get_parent_uuid (record), -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *known = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW)
    return fw_cache_fail (cache, rc, _("applying the server’s changes"), error);

  return TRUE;
}

static gboolean
wait_for_parent (FwCache   *cache,
                 FwRecord  *record,
                 JsonNode  *payload,
                 GError   **error)
{
  g_autofree char *json = json_to_string (payload, FALSE);
  sqlite3_stmt *stmt = fw_cache_prepare (cache,
                                         "INSERT OR REPLACE INTO waiting_records (uuid, entity, parent_uuid, payload) "
                                         "VALUES (?1, ?2, ?3, ?4)",
                                         error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, fw_record_get_uuid (record), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, fw_entity_to_string (fw_entity_of_record (record)), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, fw_wire_get_parent_uuid (record), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, json, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    return fw_cache_fail (cache, rc, _("applying the server’s changes"), error);

  return TRUE;
}

static gboolean apply_record (FwCache *cache, FwEntity entity, JsonNode *payload, GError **error);

/* Records waiting for @parent_uuid, now that it is here. */
static gboolean
release_waiting (FwCache     *cache,
                 const char  *parent_uuid,
                 GError     **error)
{
  g_autoptr(GPtrArray) released = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) entities = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = fw_cache_prepare (cache, "DELETE FROM waiting_records WHERE parent_uuid = ?1 RETURNING entity, payload", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, parent_uuid, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (entities, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_ptr_array_add (released, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    return fw_cache_fail (cache, rc, _("applying the server’s changes"), error);

  for (guint i = 0; i < released->len; i++)
    {
      g_autoptr(JsonNode) payload = json_from_string (g_ptr_array_index (released, i), NULL);
      FwEntity entity;

      if (payload != NULL && fw_entity_from_string (g_ptr_array_index (entities, i), &entity) &&
          !apply_record (cache, entity, payload, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
apply_record (FwCache   *cache,
              FwEntity   entity,
              JsonNode  *payload,
              GError   **error)
{
  g_autoptr(GError) decode_error = NULL;
  g_autoptr(FwRecord) record = fw_wire_decode_record (entity, payload, 0, NULL, &decode_error);
  gboolean pending = FALSE, known = FALSE;

  /* A record this version cannot read is left out, not fatal: a newer
   * server may send what an older client does not know. */
  if (record == NULL)
    {
      g_debug ("Skipping a %s the cache cannot read: %s", fw_entity_to_string (entity), decode_error->message);
      return TRUE;
    }

  /* Local changes not yet accepted win here; the server decides on push. */
  if (!fw_cache_has_pending_change (cache, fw_record_get_uuid (record), &pending, error))
    return FALSE;
  if (pending)
    return TRUE;

  if (!parent_known (cache, record, &known, error))
    return FALSE;
  if (!known)
    return wait_for_parent (cache, record, payload, error);

  if (!fw_cache_save_record (cache, record, error))
    return FALSE;

  return release_waiting (cache, fw_record_get_uuid (record), error);
}

static gboolean
apply_pull_page_cb (FwCache  *cache,
                    gpointer  user_data,
                    GError  **error)
{
  PullPage *page = user_data;
  g_autoptr(GPtrArray) changes = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (page->changes); i++)
    g_ptr_array_add (changes, json_array_get_element (page->changes, i));

  /* Parents first within a page; across pages, waiting_records. */
  g_ptr_array_sort (changes, compare_changes);

  for (guint i = 0; i < changes->len; i++)
    {
      JsonNode *change = g_ptr_array_index (changes, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (change) ? json_node_get_object (change) : NULL;
      FwEntity entity;

      if (object == NULL ||
          !fw_entity_from_string (json_object_get_string_member_with_default (object, "entity", ""), &entity) ||
          json_object_get_member (object, "record") == NULL)
        continue;

      if (page->resync)
        {
          JsonNode *record = json_object_get_member (object, "record");
          JsonObject *fields = JSON_NODE_HOLDS_OBJECT (record) ? json_node_get_object (record) : NULL;
          const char *uuid = fields != NULL ? json_object_get_string_member_with_default (fields, "id", NULL) : NULL;

          if (uuid != NULL &&
              !run_statement (cache, "INSERT OR IGNORE INTO resync_seen (uuid) VALUES (?1)", uuid, error))
            return FALSE;
        }

      if (!apply_record (cache, entity, json_object_get_member (object, "record"), error))
        return FALSE;
      page->report->changes++;
    }

  return fw_cache_set_sync_state (cache, CURSOR_KEY, page->cursor, error);
}

static gboolean
pull (FwCache  *cache,
      Client   *client,
      GError  **error)
{
  g_autoptr(GError) state_error = NULL;
  g_autofree char *resync = NULL;
  gboolean more = TRUE;

  /* A full download that a crash or a lost link cut short goes on from
   * its last page, still noting what comes. */
  resync = fw_cache_get_sync_state (cache, RESYNC_KEY, &state_error);
  if (state_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&state_error));
      return FALSE;
    }

  /* Unless its notes are lost (a cache from a version that kept them in
   * memory): then what it brought is unknown, and it begins again. */
  if (resync != NULL)
    {
      gboolean lost = FALSE;

      if (!resync_notes_lost (cache, &lost, error) ||
          (lost && !fw_cache_run_in_transaction (cache, begin_resync_cb, NULL, error)))
        return FALSE;
    }

  while (more)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *cursor = fw_cache_get_sync_state (cache, CURSOR_KEY, &local_error);
      g_autofree char *escaped = cursor != NULL ? g_uri_escape_string (cursor, NULL, FALSE) : NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/sync/pull?limit=%d%s%s", PULL_PAGE,
                                               escaped != NULL ? "&cursor=" : "", escaped ?: "");
      g_autoptr(JsonNode) answer = NULL;
      JsonObject *object;
      JsonNode *changes, *next;
      PullPage page;
      guint status;

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      answer = client_call (client, "GET", path, NULL, &status, &local_error);
      if (answer == NULL && status == SOUP_STATUS_GONE && !client->report->resynced)
        {
          /* The server cannot continue from our cursor: download it all
           * again. Unsent local changes stay in the outbox. */
          client->report->resynced = TRUE;
          if (!fw_cache_run_in_transaction (cache, begin_resync_cb, NULL, error))
            return FALSE;
          resync = g_strdup ("1");
          continue;
        }
      if (answer == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      object = JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
      changes = object != NULL ? json_object_get_member (object, "changes") : NULL;
      next = object != NULL ? json_object_get_member (object, "cursor") : NULL;
      if (changes == NULL || !JSON_NODE_HOLDS_ARRAY (changes) ||
          next == NULL || json_node_get_value_type (next) != G_TYPE_STRING)
        {
          g_set_error_literal (error, FW_SYNC_ERROR, FW_SYNC_ERROR_PROTOCOL,
                               _("The server’s page of changes is incomplete"));
          return FALSE;
        }

      page.changes = json_node_get_array (changes);
      page.cursor = json_node_get_string (next);
      page.report = client->report;
      page.resync = resync != NULL;
      if (!fw_cache_run_in_transaction (cache, apply_pull_page_cb, &page, error))
        return FALSE;

      more = json_object_get_boolean_member_with_default (object, "more", FALSE) &&
             json_array_get_length (page.changes) > 0;
    }

  if (resync != NULL)
    return fw_cache_run_in_transaction (cache, finish_resync_cb, NULL, error);

  return TRUE;
}

typedef struct
{
  gint64  id;
  char   *uuid;
  char   *farm_uuid;
  FwTime  from;        /* the first second the cache lacks */
} SensorRef;

static void
sensor_ref_clear (SensorRef *ref)
{
  g_free (ref->uuid);
  g_free (ref->farm_uuid);
}

static GArray *
list_sensor_refs (FwCache  *cache,
                  GError  **error)
{
  g_autoptr(GArray) refs = g_array_new (FALSE, FALSE, sizeof (SensorRef));
  sqlite3_stmt *stmt;
  FwTime folded_before;
  int rc = SQLITE_ERROR;

  g_array_set_clear_func (refs, (GDestroyNotify) sensor_ref_clear);

  if (!fw_cache_get_folded_before (cache, &folded_before, error))
    return NULL;

  fw_cache_lock (cache);
  stmt = fw_cache_prepare (cache,
                           /* The last second held, raw or folded into the
                            * summaries: folded hours are never fetched again. */
                           "SELECT s.id, s.uuid, f.uuid, "
                           "max (coalesce ((SELECT max (t) FROM readings WHERE sensor_id = s.id), 0), "
                           "     min (coalesce ((SELECT max (start) + 3599 FROM reading_summaries "
                           "                     WHERE sensor_id = s.id AND span = 3600), 0), ?1 - 1)) "
                           "FROM sensors s JOIN units u ON u.id = s.unit_id JOIN sites i ON i.id = u.site_id "
                           "JOIN farms f ON f.id = i.farm_id WHERE s.deleted = 0 ORDER BY f.uuid, s.id",
                           error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, MAX (folded_before, 0));
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          SensorRef ref = {
            sqlite3_column_int64 (stmt, 0),
            g_strdup ((const char *) sqlite3_column_text (stmt, 1)),
            g_strdup ((const char *) sqlite3_column_text (stmt, 2)),
            sqlite3_column_int64 (stmt, 3) + 1,
          };

          g_array_append_val (refs, ref);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        fw_cache_fail (cache, rc, _("listing sensors"), error);
    }
  fw_cache_unlock (cache);

  return rc == SQLITE_DONE ? g_steal_pointer (&refs) : NULL;
}

typedef struct
{
  gint64  sensor_id;
  GArray *readings;
} Pending;

static void
pending_clear (Pending *pending)
{
  g_clear_pointer (&pending->readings, g_array_unref);
}

/* Readings are written on a thread of their own while the sync thread
 * fetches and reads the next page: the network, JSON and SQLite work side
 * by side. Batches go in order through one thread; at most two wait, so
 * memory stays flat however long the history. */
#define WRITES_IN_FLIGHT 2

typedef struct
{
  FwCache     *cache;
  GThreadPool *thread;
  GArray      *pending;   /* Pending, the batch being filled */
  guint        rows;
  GMutex       lock;
  GCond        written;
  guint        in_flight;
  GError      *error;     /* the first write that failed */
} ReadingsBatch;

static GArray *
pending_array_new (void)
{
  GArray *pending = g_array_new (FALSE, FALSE, sizeof (Pending));

  g_array_set_clear_func (pending, (GDestroyNotify) pending_clear);
  return pending;
}

static gboolean
write_readings_cb (FwCache  *cache,
                   gpointer  user_data,
                   GError  **error)
{
  GArray *pending = user_data;

  for (guint i = 0; i < pending->len; i++)
    {
      Pending *run = &g_array_index (pending, Pending, i);

      if (!fw_cache_insert_readings (cache, run->sensor_id, (FwReading *) run->readings->data,
                                     run->readings->len, error))
        return FALSE;
    }

  return TRUE;
}

/* Many sensors' pages in one transaction: a commit (and its fsync) per
 * hundred thousand readings, not per sensor. */
static void
write_readings (gpointer data,
                gpointer user_data)
{
  g_autoptr(GArray) pending = data;
  ReadingsBatch *batch = user_data;
  g_autoptr(GError) error = NULL;
  gboolean failed;

  g_mutex_lock (&batch->lock);
  failed = batch->error != NULL;
  g_mutex_unlock (&batch->lock);

  /* After a failed write (a full disk) the rest would fail the same way. */
  if (!failed)
    fw_cache_run_in_transaction (batch->cache, write_readings_cb, pending, &error);

  g_mutex_lock (&batch->lock);
  if (error != NULL && batch->error == NULL)
    batch->error = g_steal_pointer (&error);
  batch->in_flight--;
  g_cond_signal (&batch->written);
  g_mutex_unlock (&batch->lock);
}

static gboolean
readings_batch_init (ReadingsBatch  *batch,
                     FwCache        *cache,
                     GError        **error)
{
  g_autoptr(GError) local_error = NULL;

  batch->cache = cache;
  batch->pending = pending_array_new ();
  batch->rows = 0;
  batch->in_flight = 0;
  batch->error = NULL;
  g_mutex_init (&batch->lock);
  g_cond_init (&batch->written);

  /* An exclusive pool starts its thread now; one that could not start is
   * still returned, with the error set. */
  batch->thread = g_thread_pool_new (write_readings, batch, 1, TRUE, &local_error);
  if (local_error != NULL)
    {
      if (batch->thread != NULL)
        g_thread_pool_free (batch->thread, TRUE, FALSE);
      g_propagate_error (error, g_steal_pointer (&local_error));
      g_clear_pointer (&batch->pending, g_array_unref);
      g_mutex_clear (&batch->lock);
      g_cond_clear (&batch->written);
      return FALSE;
    }

  return TRUE;
}

/* Returns FALSE with @error set once a write has failed. */
static gboolean
check_written (ReadingsBatch  *batch,
               guint           most_in_flight,
               GError        **error)
{
  gboolean ok;

  g_mutex_lock (&batch->lock);
  while (batch->in_flight > most_in_flight && batch->error == NULL)
    g_cond_wait (&batch->written, &batch->lock);
  ok = batch->error == NULL;
  if (!ok)
    g_propagate_error (error, g_error_copy (batch->error));
  g_mutex_unlock (&batch->lock);

  return ok;
}

static gboolean
flush_readings (ReadingsBatch  *batch,
                GError        **error)
{
  if (batch->pending->len == 0)
    return check_written (batch, WRITES_IN_FLIGHT, error);

  if (!check_written (batch, WRITES_IN_FLIGHT - 1, error))
    return FALSE;

  g_mutex_lock (&batch->lock);
  batch->in_flight++;
  g_mutex_unlock (&batch->lock);

  /* The pool's own thread runs from the start: a push cannot fail. */
  g_thread_pool_push (batch->thread, g_steal_pointer (&batch->pending), NULL);
  batch->pending = pending_array_new ();
  batch->rows = 0;
  return TRUE;
}

/* Sends what is left, waits until everything is written and frees the
 * batch; the first failed write, if any, is the answer. */
static gboolean
readings_batch_finish (ReadingsBatch  *batch,
                       gboolean        write_rest,
                       GError        **error)
{
  gboolean ok = !write_rest || flush_readings (batch, error);

  /* Waits for the queued writes, even after a failure. */
  g_thread_pool_free (batch->thread, FALSE, TRUE);
  if (ok)
    ok = check_written (batch, 0, error);

  g_clear_pointer (&batch->pending, g_array_unref);
  g_clear_error (&batch->error);
  g_mutex_clear (&batch->lock);
  g_cond_clear (&batch->written);

  return ok;
}

static gboolean
read_columns (JsonObject  *object,
              GArray     **readings,
              GError     **error)
{
  JsonNode *times_node = json_object_get_member (object, "times");
  JsonNode *values_node = json_object_get_member (object, "values");
  JsonArray *times, *values;

  if (times_node == NULL || values_node == NULL ||
      !JSON_NODE_HOLDS_ARRAY (times_node) || !JSON_NODE_HOLDS_ARRAY (values_node) ||
      json_array_get_length (json_node_get_array (times_node)) != json_array_get_length (json_node_get_array (values_node)))
    {
      g_set_error_literal (error, FW_SYNC_ERROR, FW_SYNC_ERROR_PROTOCOL,
                           _("The server’s page of readings is incomplete"));
      return FALSE;
    }

  times = json_node_get_array (times_node);
  values = json_node_get_array (values_node);
  *readings = g_array_sized_new (FALSE, FALSE, sizeof (FwReading), json_array_get_length (times));

  for (guint i = 0; i < json_array_get_length (times); i++)
    {
      JsonNode *time = json_array_get_element (times, i);
      JsonNode *value = json_array_get_element (values, i);
      FwReading reading;

      if (json_node_get_value_type (time) != G_TYPE_INT64 ||
          (json_node_get_value_type (value) != G_TYPE_DOUBLE && json_node_get_value_type (value) != G_TYPE_INT64))
        {
          g_clear_pointer (readings, g_array_unref);
          g_set_error_literal (error, FW_SYNC_ERROR, FW_SYNC_ERROR_PROTOCOL,
                               _("The server’s page of readings holds something that is not a reading"));
          return FALSE;
        }

      reading.time = json_node_get_int (time);
      reading.value = json_node_get_double (value);
      g_array_append_val (*readings, reading);
    }

  return TRUE;
}

static gboolean
queue_readings (ReadingsBatch  *batch,
                gint64          sensor_id,
                GArray         *readings,
                FwSyncReport   *report,
                GError        **error)
{
  Pending pending = { sensor_id, readings };

  if (readings->len == 0)
    {
      g_array_unref (readings);
      return TRUE;
    }

  report->readings += readings->len;
  batch->rows += readings->len;
  g_array_append_val (batch->pending, pending);

  if (batch->rows >= READINGS_PAGE)
    return flush_readings (batch, error);

  return TRUE;
}

/* One sensor's readings from @from, page by page. */
static gboolean
pull_sensor (Client         *client,
             SensorRef      *ref,
             FwTime          from,
             FwTime          to,
             ReadingsBatch  *batch,
             GError        **error)
{
  gboolean truncated = TRUE;

  while (truncated)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/sensors/%s/readings?from=%" G_GINT64_FORMAT
                                               "&to=%" G_GINT64_FORMAT "&limit=%d",
                                               ref->uuid, from, to, READINGS_PAGE);
      g_autoptr(JsonNode) answer = NULL;
      GArray *readings;
      guint status;

      answer = client_call (client, "GET", path, NULL, &status, error);
      if (answer == NULL)
        {
          /* A sensor the server has archived since: nothing to fetch. */
          if (status == SOUP_STATUS_NOT_FOUND)
            {
              g_clear_error (error);
              return TRUE;
            }
          return FALSE;
        }

      if (!JSON_NODE_HOLDS_OBJECT (answer) ||
          !read_columns (json_node_get_object (answer), &readings, error))
        {
          if (error != NULL && *error == NULL)
            g_set_error_literal (error, FW_SYNC_ERROR, FW_SYNC_ERROR_PROTOCOL,
                                 _("The server’s page of readings is incomplete"));
          return FALSE;
        }

      truncated = json_object_get_boolean_member_with_default (json_node_get_object (answer), "truncated", FALSE) &&
                  readings->len > 0;
      if (readings->len > 0)
        from = g_array_index (readings, FwReading, readings->len - 1).time + 1;

      if (!queue_readings (batch, ref->id, readings, client->report, error))
        return FALSE;
    }

  return TRUE;
}

/* Every sensor of a farm from @from, in farm-wide pages. */
static gboolean
pull_farm (Client         *client,
           const char     *farm_uuid,
           GHashTable     *sensors_by_uuid,
           FwTime          from,
           FwTime          to,
           ReadingsBatch  *batch,
           GError        **error)
{
  g_autofree char *after = NULL;

  do
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/farms/%s/readings?from=%" G_GINT64_FORMAT
                                               "&to=%" G_GINT64_FORMAT "&limit=%d%s%s",
                                               farm_uuid, from, to, READINGS_PAGE,
                                               after != NULL ? "&after=" : "", after ?: "");
      g_autoptr(JsonNode) answer = NULL;
      JsonObject *object;
      JsonNode *sensors, *next;
      guint status;

      answer = client_call (client, "GET", path, NULL, &status, error);
      if (answer == NULL)
        return FALSE;

      object = JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
      sensors = object != NULL ? json_object_get_member (object, "sensors") : NULL;
      next = object != NULL ? json_object_get_member (object, "next") : NULL;
      if (sensors == NULL || !JSON_NODE_HOLDS_ARRAY (sensors) || next == NULL)
        {
          g_set_error_literal (error, FW_SYNC_ERROR, FW_SYNC_ERROR_PROTOCOL,
                               _("The server’s page of readings is incomplete"));
          return FALSE;
        }

      for (guint i = 0; i < json_array_get_length (json_node_get_array (sensors)); i++)
        {
          JsonNode *run = json_array_get_element (json_node_get_array (sensors), i);
          const char *uuid;
          SensorRef *ref;
          GArray *readings;
          guint skip;

          if (!JSON_NODE_HOLDS_OBJECT (run))
            continue;

          /* A sensor the cache does not have yet comes with the next pull. */
          uuid = json_object_get_string_member_with_default (json_node_get_object (run), "sensor_id", "");
          ref = uuid != NULL ? g_hash_table_lookup (sensors_by_uuid, uuid) : NULL;
          if (ref == NULL)
            continue;

          if (!read_columns (json_node_get_object (run), &readings, error))
            return FALSE;

          /* The page starts at the farm's earliest gap; what this sensor
           * already has is not written again. Readings come oldest first. */
          skip = 0;
          while (skip < readings->len && g_array_index (readings, FwReading, skip).time < ref->from)
            skip++;
          g_array_remove_range (readings, 0, skip);

          if (!queue_readings (batch, ref->id, readings, client->report, error))
            return FALSE;
        }

      g_clear_pointer (&after, g_free);
      if (json_node_get_value_type (next) == G_TYPE_STRING)
        after = g_uri_escape_string (json_node_get_string (next), NULL, FALSE);
    }
  while (after != NULL);

  return TRUE;
}

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  FwTime x = *(const FwTime *) a, y = *(const FwTime *) b;

  return (x > y) - (x < y);
}

/* Readings newer than the cache has. Sensors that are roughly up to date
 * together come in farm-wide pages from the earliest of them; a sensor far
 * behind the rest (back from a long silence) is fetched on its own, so it
 * does not make every sensor download its gap. */
static gboolean
pull_readings (FwCache  *cache,
               Client   *client,
               GError  **error)
{
  g_autoptr(GArray) sensors = list_sensor_refs (cache, error);
  ReadingsBatch batch;
  FwTime now = g_get_real_time () / G_USEC_PER_SEC;
  FwTime oldest = now - (FwTime) client->config->raw_history_days * 86400;
  FwTime to = now + FW_WIRE_FUTURE_TOLERANCE;
  gboolean ok = TRUE;
  guint first = 0;

  if (sensors == NULL || !readings_batch_init (&batch, cache, error))
    return FALSE;

  /* Sensors come sorted by farm: one farm at a time. */
  while (ok && first < sensors->len)
    {
      g_autoptr(GHashTable) sensors_by_uuid = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(GArray) froms = g_array_new (FALSE, FALSE, sizeof (FwTime));
      const char *farm = g_array_index (sensors, SensorRef, first).farm_uuid;
      FwTime median, bulk_from = G_MAXINT64;
      guint end = first;

      while (end < sensors->len && g_strcmp0 (g_array_index (sensors, SensorRef, end).farm_uuid, farm) == 0)
        {
          SensorRef *ref = &g_array_index (sensors, SensorRef, end);

          ref->from = MAX (oldest, ref->from);
          g_hash_table_insert (sensors_by_uuid, ref->uuid, ref);
          g_array_append_val (froms, ref->from);
          end++;
        }

      g_array_sort (froms, compare_times);
      median = g_array_index (froms, FwTime, froms->len / 2);

      for (guint s = first; ok && s < end; s++)
        {
          SensorRef *ref = &g_array_index (sensors, SensorRef, s);

          if (ref->from < median - 86400)
            {
              ok = pull_sensor (client, ref, ref->from, median - 86400, &batch, error);
              bulk_from = MIN (bulk_from, median - 86400);
            }
          else
            bulk_from = MIN (bulk_from, ref->from);
        }

      ok = ok && pull_farm (client, farm, sensors_by_uuid, bulk_from, to, &batch, error);
      first = end;
    }

  /* What came before a failure is kept: the next pull starts after it. */
  if (!ok)
    {
      readings_batch_finish (&batch, TRUE, NULL);
      return FALSE;
    }

  /* Raw history past the kept days lives on as hourly rollups. */
  return readings_batch_finish (&batch, TRUE, error) &&
         fw_cache_roll_up_readings (cache, oldest, NULL, error);
}

/* Who the session belongs to, kept for the front ends: an acknowledgement
 * is signed with the name, and only managers see the rule editor (the
 * server decides; the app only spares people a refusal). */
static gboolean
learn_account (FwCache  *cache,
               Client   *client,
               GError  **error)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *user;
  const char *name, *role;
  guint status;

  answer = client_call (client, "GET", "/api/v1/session", NULL, &status, error);
  if (answer == NULL)
    return FALSE;

  user = JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  name = user != NULL ? json_object_get_string_member_with_default (user, "display_name", "") : "";
  if (*name == '\0' && user != NULL)
    name = json_object_get_string_member_with_default (user, "username", "");
  role = user != NULL ? json_object_get_string_member_with_default (user, "role", "") : "";

  return fw_cache_set_sync_state (cache, ACCOUNT_NAME_KEY, *name != '\0' ? name : NULL, error) &&
         fw_cache_set_sync_state (cache, ACCOUNT_ROLE_KEY, *role != '\0' ? role : NULL, error);
}

/**
 * fw_sync_dup_account:
 * @name: (out) (optional) (transfer full): how the account signs
 * @role: (out) (optional) (transfer full): "worker", "manager" or "admin"
 *
 * Returns: whether an account has synced with this cache
 */
gboolean
fw_sync_dup_account (FwCache  *cache,
                     char    **name,
                     char    **role)
{
  g_autofree char *known_name = NULL;
  g_autofree char *known_role = NULL;

  g_return_val_if_fail (FW_IS_CACHE (cache), FALSE);

  known_name = fw_cache_get_sync_state (cache, ACCOUNT_NAME_KEY, NULL);
  known_role = fw_cache_get_sync_state (cache, ACCOUNT_ROLE_KEY, NULL);

  if (name != NULL)
    *name = g_strdup (known_name);
  if (role != NULL)
    *role = g_strdup (known_role);

  return known_name != NULL;
}

/**
 * fw_sync_run:
 * @report: (out caller-allocates): what the run did, also on failure
 *
 * Pushes the outbox, pulls changes and, when the configuration asks for
 * them, readings. Blocks: call it from a worker thread.
 */
gboolean
fw_sync_run (FwCache             *cache,
             const FwSyncConfig  *config,
             FwSyncReport        *report,
             GCancellable        *cancellable,
             GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  Client client = { 0, };
  gboolean ok;

  g_return_val_if_fail (FW_IS_CACHE (cache), FALSE);
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (report != NULL, FALSE);

  memset (report, 0, sizeof *report);

  if (!client_init (&client, config, report, cancellable, error))
    return FALSE;

  ok = learn_account (cache, &client, &local_error) &&
       push (cache, &client, &local_error) &&
       pull (cache, &client, &local_error) &&
       (config->raw_history_days == 0 || pull_readings (cache, &client, &local_error));

  client_clear (&client);

  /* The outcome is kept for every front end: "last synced", "last error". */
  if (ok)
    {
      g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);

      fw_cache_set_sync_state (cache, LAST_SUCCESS_KEY, now, NULL);
      fw_cache_set_sync_state (cache, LAST_ERROR_KEY, NULL, NULL);
    }
  else if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    fw_cache_set_sync_state (cache, LAST_ERROR_KEY, local_error->message, NULL);

  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

/**
 * fw_sync_get_last_success:
 *
 * Returns: when fw_sync_run() last succeeded with this cache, or 0
 */
FwTime
fw_sync_get_last_success (FwCache *cache)
{
  g_autofree char *value = fw_cache_get_sync_state (cache, LAST_SUCCESS_KEY, NULL);

  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
}

/**
 * fw_sync_dup_last_error:
 *
 * Returns: (transfer full) (nullable): why the last fw_sync_run() with this
 *   cache failed, or %NULL if it succeeded
 */
char *
fw_sync_dup_last_error (FwCache *cache)
{
  return fw_cache_get_sync_state (cache, LAST_ERROR_KEY, NULL);
}
