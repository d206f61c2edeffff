/* test-sync-faults.c — a sync that survives a failing network and server
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fishwatch-cli talks to a real fishwatch-server through a proxy that runs
 * in this process and can be told to spoil the next requests to a path:
 * answer 500, 503, 429, 401 or 410 itself; pass the request on and then
 * close the connection instead of answering; pass it on and answer the
 * first half of the JSON; pass it on and answer push results with a status
 * the client does not know; or hold it past the client's timeout and pass
 * it on later. After each fault the CLI must exit as it promises and show
 * the right status; once the fault is gone, every entry must be on the
 * server exactly once. The server itself refuses an entry for an archived
 * unit, which must not hold up the entries behind it.
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "fw-core.h"
#include "fw-test-server.h"
#include "fw-test-util.h"

#define PUSH_PATH "/api/v1/sync/push"
#define PULL_PATH "/api/v1/sync/pull"

/* Longer than any CLI run here may take: the stalled ones give up after
 * STALL_TIMEOUT seconds, the others answer at once. */
#define CLI_WATCHDOG 20
#define STALL_TIMEOUT "2"

/* The CLI's exit codes (src/cli/main.c). */
#define EXIT_DONE 0
#define EXIT_RETRY 1
#define EXIT_SIGN_IN 3

typedef enum
{
  FAULT_NONE,
  FAULT_ANSWER,     /* answer `status` without passing the request on */
  FAULT_DROP,       /* pass it on, then close the connection unanswered */
  FAULT_TRUNCATE,   /* pass it on, then answer half of the JSON */
  FAULT_STALL,      /* hold it unanswered until fault_proxy_release() */
  FAULT_UNSETTLED,  /* pass it on, then answer a status of each push result
                     * that this client does not know, as a newer server
                     * might */
} FaultKind;

typedef struct
{
  FaultKind   kind;
  guint       status;        /* FAULT_ANSWER */
  guint       retry_after;   /* FAULT_ANSWER; 0 for no Retry-After */
  const char *method;
  const char *path;          /* requests whose path starts so… */
  const char *query;         /* (nullable) …and whose query holds this */
  guint       times;         /* how many requests to spoil; 0 until disarmed */
} Fault;

typedef struct
{
  SoupServer   *server;
  SoupSession  *session;     /* to the real server */
  GCancellable *cancellable;
  char         *upstream;
  char         *url;

  Fault         fault;
  guint         faulted;     /* requests spoiled since the last arming */
  guint         in_flight;   /* requests waiting for the real server */
  GPtrArray    *requests;    /* "METHOD /path", in the order they came */
  GPtrArray    *stalled;     /* Exchange, held */
} FaultProxy;

/* One request on its way through the proxy. */
typedef struct
{
  FaultProxy        *proxy;
  SoupServerMessage *message;    /* NULL once the client is gone */
  gulong             disconnected_id;
  gulong             finished_id;
  FaultKind          kind;
  char              *method;
  char              *target;     /* path and query */
  char              *authorization;
  char              *content_type;
  GBytes            *body;
} Exchange;

typedef struct
{
  FwTestServer *server;
  FaultProxy   *proxy;
  char         *dir;
  char         *cache;
  char         *admin;           /* a token, straight to the server */
  const char   *timeout;         /* --timeout for every sync, or NULL */
  GPtrArray    *logged;          /* LoggedEntry */
} Fixture;

typedef struct
{
  char   *uuid;
  char   *unit;
  double  kg;
} LoggedEntry;

/* What a test of one transient fault expects. */
typedef struct
{
  FaultKind   kind;
  guint       status;
  guint       retry_after;
  const char *error;         /* in the CLI's message and in `last error` */
  const char *wait;          /* (nullable) also on standard error */
  gboolean    commits;       /* the server keeps the push in spite of it */
} FaultCase;

static void
logged_entry_free (LoggedEntry *entry)
{
  g_free (entry->uuid);
  g_free (entry->unit);
  g_free (entry);
}

/* No process of a test outlives it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static const char *
error_code_for (guint status)
{
  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
      return "unauthenticated";
    case SOUP_STATUS_GONE:
      return "resync_required";
    case 429:
      return "too_many_requests";
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      return "store_unavailable";
    case SOUP_STATUS_BAD_GATEWAY:
      return "bad_gateway";
    default:
      return "internal";
    }
}

/* An answer in the server's own error format, so that the client shows
 * the message as it would show the server's. */
static void
answer_error (SoupServerMessage *message,
              guint              status,
              guint              retry_after)
{
  g_autofree char *body = g_strdup_printf ("{\"error\":{\"code\":\"%s\",\"message\":\"injected %u\"}}",
                                           error_code_for (status), status);

  soup_server_message_set_status (message, status, NULL);
  if (retry_after > 0)
    {
      g_autofree char *seconds = g_strdup_printf ("%u", retry_after);

      soup_message_headers_replace (soup_server_message_get_response_headers (message), "Retry-After", seconds);
    }
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
exchange_forget_message (Exchange *exchange)
{
  if (exchange->message == NULL)
    return;

  g_clear_signal_handler (&exchange->disconnected_id, exchange->message);
  g_clear_signal_handler (&exchange->finished_id, exchange->message);
  g_clear_object (&exchange->message);
}

static void
exchange_free (Exchange *exchange)
{
  exchange_forget_message (exchange);
  g_free (exchange->method);
  g_free (exchange->target);
  g_free (exchange->authorization);
  g_free (exchange->content_type);
  g_clear_pointer (&exchange->body, g_bytes_unref);
  g_free (exchange);
}

/* Its client went away (or the connection was stolen): nobody to answer. */
static void
message_gone_cb (SoupServerMessage *message,
                 gpointer           user_data)
{
  exchange_forget_message (user_data);
}

/* The request is copied at once: a held request may outlive its client. */
static Exchange *
exchange_new (FaultProxy        *proxy,
              SoupServerMessage *message,
              FaultKind          kind)
{
  Exchange *exchange = g_new0 (Exchange, 1);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  GUri *uri = soup_server_message_get_uri (message);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (message));

  exchange->proxy = proxy;
  exchange->message = g_object_ref (message);
  exchange->disconnected_id = g_signal_connect (message, "disconnected", G_CALLBACK (message_gone_cb), exchange);
  exchange->finished_id = g_signal_connect (message, "finished", G_CALLBACK (message_gone_cb), exchange);
  exchange->kind = kind;
  exchange->method = g_strdup (soup_server_message_get_method (message));
  exchange->target = g_strconcat (g_uri_get_path (uri), g_uri_get_query (uri) != NULL ? "?" : "",
                                  g_uri_get_query (uri), NULL);
  exchange->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  exchange->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  if (g_bytes_get_size (body) > 0)
    exchange->body = g_steal_pointer (&body);

  return exchange;
}

/* Closes the client's connection before a byte of the answer: to the
 * client, a server that died after its commit. */
static void
drop_connection (SoupServerMessage *message)
{
  g_autoptr(SoupServerMessage) hold = g_object_ref (message);
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (hold);

  g_assert_nonnull (stream);
  g_io_stream_close (stream, NULL, NULL);
}

/* Every result of a push answer, with a status the client cannot act on. */
static GBytes *
unsettle_results (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *results;
  gsize length;
  const char *data = g_bytes_get_data (body, &length);
  char *text;

  json_parser_load_from_data (parser, data, length, &error);
  g_assert_no_error (error);
  results = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "results");
  g_assert_cmpuint (json_array_get_length (results), >, 0);
  for (guint i = 0; i < json_array_get_length (results); i++)
    json_object_set_string_member (json_array_get_object_element (results, i), "status", "deferred");

  text = json_to_string (json_parser_get_root (parser), FALSE);
  return g_bytes_new_take (text, strlen (text));
}

/* Besides the body and its type, what the client reads of an answer. */
static const char * const passed_headers[] = { "Retry-After", "WWW-Authenticate" };

static void
upstream_answered_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Exchange *exchange = user_data;
  SoupMessage *upstream = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  SoupServerMessage *message = exchange->message;

  exchange->proxy->in_flight--;

  if (body != NULL && exchange->kind == FAULT_UNSETTLED && soup_message_get_status (upstream) == SOUP_STATUS_OK)
    {
      GBytes *unsettled = unsettle_results (body);

      g_bytes_unref (body);
      body = unsettled;
    }

  if (message == NULL)
    {
      /* A request held past its client's patience: nobody to answer. */
    }
  else if (body == NULL)
    {
      answer_error (message, SOUP_STATUS_BAD_GATEWAY, 0);
      soup_server_message_unpause (message);
    }
  else if (exchange->kind == FAULT_DROP)
    drop_connection (message);
  else
    {
      SoupMessageHeaders *from = soup_message_get_response_headers (upstream);
      SoupMessageHeaders *to = soup_server_message_get_response_headers (message);
      const char *content_type = soup_message_headers_get_content_type (from, NULL);
      gsize length;
      const char *data = g_bytes_get_data (body, &length);

      /* Content-Length stays true to what is sent: the HTTP answer is
       * whole, only its JSON is cut short. */
      if (exchange->kind == FAULT_TRUNCATE)
        length /= 2;

      soup_server_message_set_status (message, soup_message_get_status (upstream), NULL);
      for (guint i = 0; i < G_N_ELEMENTS (passed_headers); i++)
        {
          const char *value = soup_message_headers_get_one (from, passed_headers[i]);

          if (value != NULL)
            soup_message_headers_replace (to, passed_headers[i], value);
        }
      soup_server_message_set_response (message, content_type, SOUP_MEMORY_COPY, data, length);
      soup_server_message_unpause (message);
    }

  exchange_free (exchange);
}

static void
exchange_forward (Exchange *exchange)
{
  FaultProxy *proxy = exchange->proxy;
  g_autofree char *url = g_strconcat (proxy->upstream, exchange->target, NULL);
  g_autoptr(SoupMessage) upstream = soup_message_new (exchange->method, url);

  g_assert_nonnull (upstream);
  if (exchange->authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (upstream), "Authorization",
                                  exchange->authorization);
  if (exchange->body != NULL)
    soup_message_set_request_body_from_bytes (upstream, exchange->content_type ?: "application/json", exchange->body);

  proxy->in_flight++;
  soup_session_send_and_read_async (proxy->session, upstream, G_PRIORITY_DEFAULT, proxy->cancellable,
                                    upstream_answered_cb, exchange);
}

static gboolean
fault_matches (const Fault *fault,
               const char  *method,
               const char  *path,
               const char  *query)
{
  return fault->kind != FAULT_NONE &&
         g_str_equal (method, fault->method) &&
         g_str_has_prefix (path, fault->path) &&
         (fault->query == NULL || (query != NULL && strstr (query, fault->query) != NULL));
}

static void
proxy_request_cb (SoupServer        *server,
                  SoupServerMessage *message,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  FaultProxy *proxy = user_data;
  const char *method = soup_server_message_get_method (message);
  FaultKind kind = FAULT_NONE;
  Exchange *exchange;

  g_ptr_array_add (proxy->requests, g_strdup_printf ("%s %s", method, path));

  if (fault_matches (&proxy->fault, method, path, g_uri_get_query (soup_server_message_get_uri (message))))
    {
      kind = proxy->fault.kind;
      proxy->faulted++;
      if (proxy->fault.times > 0 && --proxy->fault.times == 0)
        proxy->fault.kind = FAULT_NONE;
    }

  if (kind == FAULT_ANSWER)
    {
      answer_error (message, proxy->fault.status, proxy->fault.retry_after);
      return;
    }

  exchange = exchange_new (proxy, message, kind);
  soup_server_message_pause (message);
  if (kind == FAULT_STALL)
    g_ptr_array_add (proxy->stalled, exchange);
  else
    exchange_forward (exchange);
}

static FaultProxy *
fault_proxy_new (const char *upstream)
{
  FaultProxy *proxy = g_new0 (FaultProxy, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  proxy->upstream = g_strdup (upstream);
  proxy->session = soup_session_new_with_options ("timeout", 30, NULL);
  proxy->cancellable = g_cancellable_new ();
  proxy->requests = g_ptr_array_new_with_free_func (g_free);
  proxy->stalled = g_ptr_array_new ();
  proxy->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (proxy->server, NULL, proxy_request_cb, proxy, NULL);

  soup_server_listen_local (proxy->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (proxy->server);
  g_assert_nonnull (uris);
  proxy->url = g_uri_to_string (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  /* "http://127.0.0.1:port/": the CLI adds paths that begin with "/". */
  while (g_str_has_suffix (proxy->url, "/"))
    proxy->url[strlen (proxy->url) - 1] = '\0';

  return proxy;
}

static void
fault_proxy_arm (FaultProxy  *proxy,
                 const Fault *fault)
{
  proxy->fault = *fault;
  proxy->faulted = 0;
}

static void
fault_proxy_disarm (FaultProxy *proxy)
{
  proxy->fault.kind = FAULT_NONE;
}

static void
fault_proxy_wait_idle (FaultProxy *proxy)
{
  while (proxy->in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
}

/* The held requests reach the server now, after their client gave up:
 * a server that was stuck and then finished its work. */
static void
fault_proxy_release (FaultProxy *proxy)
{
  for (guint i = 0; i < proxy->stalled->len; i++)
    {
      Exchange *exchange = g_ptr_array_index (proxy->stalled, i);

      exchange->kind = FAULT_NONE;
      exchange_forward (exchange);
    }
  g_ptr_array_set_size (proxy->stalled, 0);

  fault_proxy_wait_idle (proxy);
}

static guint
fault_proxy_count (FaultProxy *proxy,
                   guint       since,
                   const char *request)
{
  guint count = 0;

  for (guint i = since; i < proxy->requests->len; i++)
    count += g_str_equal (g_ptr_array_index (proxy->requests, i), request);

  return count;
}

static void
fault_proxy_free (FaultProxy *proxy)
{
  for (guint i = 0; i < proxy->stalled->len; i++)
    {
      Exchange *exchange = g_ptr_array_index (proxy->stalled, i);

      if (exchange->message != NULL)
        {
          answer_error (exchange->message, SOUP_STATUS_SERVICE_UNAVAILABLE, 0);
          soup_server_message_unpause (exchange->message);
        }
      exchange_free (exchange);
    }
  g_ptr_array_unref (proxy->stalled);

  g_cancellable_cancel (proxy->cancellable);
  fault_proxy_wait_idle (proxy);

  soup_server_disconnect (proxy->server);
  g_object_unref (proxy->server);
  soup_session_abort (proxy->session);
  g_object_unref (proxy->session);
  g_object_unref (proxy->cancellable);
  g_ptr_array_unref (proxy->requests);
  g_free (proxy->upstream);
  g_free (proxy->url);
  g_free (proxy);
}

typedef struct
{
  GSubprocess *process;
  gboolean     communicated;
  gboolean     exited;
  char        *out;
  char        *err;
  GError      *error;
} CliRun;

static void
cli_communicated_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  CliRun *run = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->out, &run->err, &run->error);
  run->communicated = TRUE;
}

static void
cli_exited_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  CliRun *run = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  run->exited = TRUE;
}

static gboolean
cli_overdue_cb (gpointer user_data)
{
  CliRun *run = user_data;

  g_subprocess_force_exit (run->process);
  g_error ("fishwatch-cli did not finish within %d seconds", CLI_WATCHDOG);
  return G_SOURCE_REMOVE;
}

/* Runs fishwatch-cli on the fixture's cache, through the proxy, while this
 * thread serves the proxy. Returns: its exit status */
static int
run_cli (Fixture     *fixture,
         const char  *input,
         char       **out,
         char       **err,
         const char  *first,
         ...) G_GNUC_NULL_TERMINATED;

static int
run_cli (Fixture     *fixture,
         const char  *input,
         char       **out,
         char       **err,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  CliRun run = { 0, };
  guint watchdog;
  int status;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("FISHWATCH_CLI"));
  g_assert_nonnull (g_ptr_array_index (argv, 0));
  g_ptr_array_add (argv, (gpointer) "--cache");
  g_ptr_array_add (argv, fixture->cache);
  g_ptr_array_add (argv, (gpointer) "--server");
  g_ptr_array_add (argv, fixture->proxy->url);
  /* Readings are not what these tests are about. */
  g_ptr_array_add (argv, (gpointer) "--raw-days");
  g_ptr_array_add (argv, (gpointer) "0");
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  run.process = process;
  watchdog = g_timeout_add_seconds (CLI_WATCHDOG, cli_overdue_cb, &run);
  g_subprocess_communicate_utf8_async (process, input, NULL, cli_communicated_cb, &run);
  while (!run.communicated)
    g_main_context_iteration (NULL, TRUE);
  g_subprocess_wait_async (process, NULL, cli_exited_cb, &run);
  while (!run.exited)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (watchdog);

  g_assert_no_error (run.error);
  g_assert_true (g_subprocess_get_if_exited (process));
  status = g_subprocess_get_exit_status (process);

  {
    g_autofree char *command = g_strjoinv (" ", (char **) argv->pdata + 1);

    g_test_message ("fishwatch-cli %s: exit %d\n%s%s", command, status, run.out, run.err);
  }

  if (out != NULL)
    *out = g_steal_pointer (&run.out);
  if (err != NULL)
    *err = g_steal_pointer (&run.err);
  g_free (run.out);
  g_free (run.err);

  return status;
}

static int
sync_cli (Fixture  *fixture,
          char    **out,
          char    **err)
{
  if (fixture->timeout != NULL)
    return run_cli (fixture, NULL, out, err, "--timeout", fixture->timeout, "sync", NULL);

  return run_cli (fixture, NULL, out, err, "sync", NULL);
}

/* "key: value" lines, the first of each key. */
static GHashTable *
parse_report (const char *text)
{
  GHashTable *lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) split = g_strsplit (text, "\n", -1);

  for (guint i = 0; split[i] != NULL; i++)
    {
      const char *colon = strstr (split[i], ": ");
      g_autofree char *key = colon != NULL ? g_strndup (split[i], colon - split[i]) : NULL;

      if (key != NULL && !g_hash_table_contains (lines, key))
        g_hash_table_insert (lines, g_steal_pointer (&key), g_strdup (colon + 2));
    }

  return lines;
}

static GHashTable *
cli_status (Fixture *fixture)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (run_cli (fixture, NULL, &out, NULL, "status", NULL), ==, EXIT_DONE);
  return parse_report (out);
}

static void
cli_login (Fixture *fixture)
{
  g_autofree char *input = g_strdup_printf ("%s\n", fw_test_server_password (fixture->server, "worker"));

  g_assert_cmpint (run_cli (fixture, input, NULL, NULL, "login", "worker", NULL), ==, EXIT_DONE);
}

static const char *
log_entry (Fixture    *fixture,
           const char *unit,
           double      kg)
{
  g_autofree char *unit_arg = g_strdup_printf ("unit=%s", unit);
  g_autofree char *kg_arg = g_strdup_printf ("kg=%.2f", kg);
  g_autofree char *out = NULL;
  LoggedEntry *entry = g_new0 (LoggedEntry, 1);

  g_assert_cmpint (run_cli (fixture, NULL, &out, NULL, "log", "feeding", unit_arg, "feed_type=Grower", kg_arg, NULL), ==, EXIT_DONE);
  g_assert_true (g_str_has_prefix (out, "saved "));
  g_strstrip (out);
  entry->uuid = g_strdup (out + strlen ("saved "));
  g_assert_true (g_uuid_string_is_valid (entry->uuid));
  entry->unit = g_strdup (unit);
  entry->kg = kg;
  g_ptr_array_add (fixture->logged, entry);

  return entry->uuid;
}

static char *
unit_id (Fixture    *fixture,
         const char *name)
{
  g_autoptr(JsonNode) units = NULL;
  JsonArray *items;

  g_assert_cmpuint (fw_test_server_call (fixture->server, "GET", "/api/v1/farms/" FW_DEMO_FARM_UUID "/units",
                                         fixture->admin, NULL, &units, NULL), ==, 200);
  items = json_object_get_array_member (json_node_get_object (units), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *unit = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (unit, "name"), name))
        return g_strdup (json_object_get_string_member (unit, "id"));
    }

  g_assert_not_reached ();
}

static gint64
store_revision (Fixture *fixture)
{
  g_autoptr(JsonNode) status = NULL;

  g_assert_cmpuint (fw_test_server_call (fixture->server, "GET", "/api/v1/status", fixture->admin, NULL,
                                         &status, NULL), ==, 200);
  return json_object_get_int_member (json_object_get_object_member (json_node_get_object (status), "counts"),
                                     "revision");
}

/* Every logbook entry the server holds, by id, downloaded by an admin
 * straight from the server. Returns: (transfer full) */
static GHashTable *
server_entries (Fixture *fixture)
{
  GHashTable *entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref);
  g_autofree char *cursor = NULL;
  gboolean more = TRUE;

  while (more)
    {
      g_autofree char *escaped = cursor != NULL ? g_uri_escape_string (cursor, NULL, FALSE) : NULL;
      g_autofree char *path = g_strdup_printf (PULL_PATH "?limit=1000%s%s",
                                               escaped != NULL ? "&cursor=" : "", escaped ?: "");
      g_autoptr(JsonNode) page = NULL;
      JsonObject *object;
      JsonArray *changes;

      g_assert_cmpuint (fw_test_server_call (fixture->server, "GET", path, fixture->admin, NULL,
                                             &page, NULL), ==, 200);
      object = json_node_get_object (page);
      changes = json_object_get_array_member (object, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          JsonNode *record = json_object_get_member (change, "record");
          const char *id = json_object_get_string_member (json_node_get_object (record), "id");

          if (!g_str_equal (json_object_get_string_member (change, "entity"), "logbook_entry"))
            continue;

          /* A pull hands over each record once; twice would be a bug of
           * its own. */
          g_assert_false (g_hash_table_contains (entries, id));
          g_hash_table_insert (entries, g_strdup (id), json_node_ref (record));
        }

      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (object, "cursor"));
      more = json_object_get_boolean_member (object, "more") && json_array_get_length (changes) > 0;
    }

  return entries;
}

static gboolean
is_listed (const char * const *uuids,
           const char         *uuid)
{
  return uuids != NULL && g_strv_contains (uuids, uuid);
}

/* The server holds each logged entry once, as logged, except @refused
 * ones, which it holds not at all, and no other entry. */
static void
assert_on_server_once (Fixture            *fixture,
                       const char * const *refused)
{
  g_autoptr(GHashTable) entries = server_entries (fixture);
  guint expected = 0;

  for (guint i = 0; i < fixture->logged->len; i++)
    {
      LoggedEntry *logged = g_ptr_array_index (fixture->logged, i);
      JsonNode *node = g_hash_table_lookup (entries, logged->uuid);
      g_autofree char *unit = NULL;
      JsonObject *record;

      if (is_listed (refused, logged->uuid))
        {
          g_assert_null (node);
          continue;
        }

      g_assert_nonnull (node);
      record = json_node_get_object (node);
      unit = unit_id (fixture, logged->unit);
      g_assert_cmpstr (json_object_get_string_member (record, "unit_id"), ==, unit);
      g_assert_cmpstr (json_object_get_string_member (record, "kind"), ==, "feeding");
      g_assert_false (json_object_get_boolean_member (record, "deleted"));
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (record, "payload"),
                                                                     "kg"),
                                      logged->kg, 1e-9);
      expected++;
    }

  /* The demo farm has no logbook: every entry there is one of ours. */
  g_assert_cmpuint (g_hash_table_size (entries), ==, expected);
}

/* None of the logged entries has reached the server. */
static void
assert_none_on_server (Fixture *fixture)
{
  g_autoptr(GHashTable) entries = server_entries (fixture);

  g_assert_cmpuint (g_hash_table_size (entries), ==, 0);
}

static void
assert_status (GHashTable *status,
               const char *pending,
               const char *rejected,
               const char *error)
{
  g_assert_cmpstr (g_hash_table_lookup (status, "pending"), ==, pending);
  g_assert_cmpstr (g_hash_table_lookup (status, "rejected"), ==, rejected);
  g_assert_cmpstr (g_hash_table_lookup (status, "conflicts"), ==, "0");
  g_assert_cmpstr (g_hash_table_lookup (status, "user"), ==, "worker");
  if (error == NULL)
    g_assert_null (g_hash_table_lookup (status, "last error"));
  else
    {
      g_assert_nonnull (g_hash_table_lookup (status, "last error"));
      g_assert_nonnull (strstr (g_hash_table_lookup (status, "last error"), error));
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *out = NULL;

  fixture->server = fw_test_server_start (NULL);
  fixture->proxy = fault_proxy_new (fixture->server->base_url);
  fixture->dir = fw_test_make_tmpdir ();
  fixture->cache = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->admin = fw_test_server_login (fixture->server, "admin");
  fixture->logged = g_ptr_array_new_with_free_func ((GDestroyNotify) logged_entry_free);

  /* The farm's units reach the cache through the proxy, as they would. */
  cli_login (fixture);
  g_assert_cmpint (sync_cli (fixture, &out, NULL), ==, EXIT_DONE);
  g_assert_null (strstr (out, "changes pulled: 0\n"));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  fault_proxy_free (fixture->proxy);
  g_assert_cmpint (fw_test_server_stop (fixture->server), ==, 0);
  fw_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->cache);
  g_free (fixture->admin);
  g_ptr_array_unref (fixture->logged);
}

/* A fault of the network or the server that passes: the CLI says "try
 * later" and keeps the entries, then a later sync delivers them once. The
 * same fault on a pull must not move the cursor. */
static void
test_transient_fault (Fixture       *fixture,
                      gconstpointer  data)
{
  const FaultCase *test = data;
  Fault on_push = { test->kind, test->status, test->retry_after, "POST", PUSH_PATH, NULL, 1 };
  /* Until disarmed: libsoup sends a GET once more by itself when a reused
   * connection closes under it. */
  Fault on_pull = { test->kind, test->status, test->retry_after, "GET", PULL_PATH, NULL, 0 };
  g_autoptr(GHashTable) status = NULL;
  g_autoptr(GHashTable) report = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *cursor = NULL;
  gint64 revision = 0;

  if (test->kind == FAULT_STALL)
    fixture->timeout = STALL_TIMEOUT;

  log_entry (fixture, "Pond 1", 12.5);
  log_entry (fixture, "Pond 1", 13.25);
  log_entry (fixture, "Tank A1", 0.75);

  /* The push fails. */
  fault_proxy_arm (fixture->proxy, &on_push);
  g_assert_cmpint (sync_cli (fixture, NULL, &err), ==, EXIT_RETRY);
  g_assert_cmpuint (fixture->proxy->faulted, ==, 1);
  g_assert_nonnull (strstr (err, test->error));
  if (test->wait != NULL)
    g_assert_nonnull (strstr (err, test->wait));

  status = cli_status (fixture);
  assert_status (status, "3", "0", test->error);
  cursor = g_strdup (g_hash_table_lookup (status, "cursor"));
  g_clear_pointer (&status, g_hash_table_unref);

  if (test->kind == FAULT_STALL)
    {
      /* Nothing reached the server while it "stalled"; it finishes the
       * work after the client gave up. */
      assert_none_on_server (fixture);
      fault_proxy_release (fixture->proxy);
    }

  if (test->commits || test->kind == FAULT_STALL)
    {
      /* The server committed the push whose answer the client lost. */
      assert_on_server_once (fixture, NULL);
      revision = store_revision (fixture);
    }
  else
    assert_none_on_server (fixture);

  /* The fault is gone: the same mutations again, each applied once. */
  fault_proxy_disarm (fixture->proxy);
  g_assert_cmpint (sync_cli (fixture, &out, NULL), ==, EXIT_DONE);
  report = parse_report (out);
  g_assert_cmpstr (g_hash_table_lookup (report, "pushed"), ==, "3");
  g_assert_cmpstr (g_hash_table_lookup (report, "applied"), ==, "3");
  g_assert_cmpstr (g_hash_table_lookup (report, "rejected"), ==, "0");
  g_clear_pointer (&report, g_hash_table_unref);
  g_clear_pointer (&out, g_free);
  if (revision != 0)
    g_assert_cmpint (store_revision (fixture), ==, revision);

  status = cli_status (fixture);
  assert_status (status, "0", "0", NULL);
  g_assert_cmpstr (g_hash_table_lookup (status, "cursor"), !=, cursor);
  g_clear_pointer (&status, g_hash_table_unref);
  g_clear_pointer (&cursor, g_free);
  g_clear_pointer (&err, g_free);
  assert_on_server_once (fixture, NULL);

  /* The push goes through and the pull fails: the entry is delivered, the
   * cursor stays where it was. */
  status = cli_status (fixture);
  cursor = g_strdup (g_hash_table_lookup (status, "cursor"));
  g_clear_pointer (&status, g_hash_table_unref);

  log_entry (fixture, "Raceway 2", 4.5);
  fault_proxy_arm (fixture->proxy, &on_pull);
  g_assert_cmpint (sync_cli (fixture, NULL, &err), ==, EXIT_RETRY);
  g_assert_cmpuint (fixture->proxy->faulted, >=, 1);
  g_assert_nonnull (strstr (err, test->error));
  fault_proxy_disarm (fixture->proxy);
  fault_proxy_release (fixture->proxy);

  status = cli_status (fixture);
  assert_status (status, "0", "0", test->error);
  g_assert_cmpstr (g_hash_table_lookup (status, "cursor"), ==, cursor);
  g_clear_pointer (&status, g_hash_table_unref);
  assert_on_server_once (fixture, NULL);

  g_assert_cmpint (sync_cli (fixture, &out, NULL), ==, EXIT_DONE);
  report = parse_report (out);
  g_assert_cmpstr (g_hash_table_lookup (report, "pushed"), ==, "0");
  g_assert_cmpstr (g_hash_table_lookup (report, "changes pulled"), ==, "1");

  status = cli_status (fixture);
  assert_status (status, "0", "0", NULL);
  g_assert_cmpstr (g_hash_table_lookup (status, "cursor"), !=, cursor);
  assert_on_server_once (fixture, NULL);
}

/* The server forgets the session between the push and the pull, then
 * before a push: "sign in first", and signing in again finishes the job. */
static void
test_unauthorized_mid_sync (Fixture       *fixture,
                            gconstpointer  data)
{
  Fault on_pull = { FAULT_ANSWER, SOUP_STATUS_UNAUTHORIZED, 0, "GET", PULL_PATH, NULL, 1 };
  Fault on_push = { FAULT_ANSWER, SOUP_STATUS_UNAUTHORIZED, 0, "POST", PUSH_PATH, NULL, 1 };
  g_autoptr(GHashTable) status = NULL;
  g_autofree char *err = NULL;
  g_autofree char *cursor = NULL;
  guint mark;

  status = cli_status (fixture);
  cursor = g_strdup (g_hash_table_lookup (status, "cursor"));
  g_clear_pointer (&status, g_hash_table_unref);

  log_entry (fixture, "Pond 2", 20.0);
  log_entry (fixture, "Pond 3", 21.5);

  mark = fixture->proxy->requests->len;
  fault_proxy_arm (fixture->proxy, &on_pull);
  g_assert_cmpint (sync_cli (fixture, NULL, &err), ==, EXIT_SIGN_IN);
  g_assert_cmpuint (fixture->proxy->faulted, ==, 1);
  g_assert_cmpuint (fault_proxy_count (fixture->proxy, mark, "POST " PUSH_PATH), ==, 1);
  g_assert_nonnull (strstr (err, "Sign in again"));
  g_clear_pointer (&err, g_free);

  /* The push had gone through: nothing waits, and the cursor is unmoved. */
  status = cli_status (fixture);
  assert_status (status, "0", "0", "Sign in again");
  g_assert_cmpstr (g_hash_table_lookup (status, "cursor"), ==, cursor);
  g_clear_pointer (&status, g_hash_table_unref);
  assert_on_server_once (fixture, NULL);

  /* Now before anything was sent. */
  log_entry (fixture, "Tank B2", 1.5);
  fault_proxy_arm (fixture->proxy, &on_push);
  g_assert_cmpint (sync_cli (fixture, NULL, &err), ==, EXIT_SIGN_IN);
  g_assert_cmpuint (fixture->proxy->faulted, ==, 1);
  g_assert_nonnull (strstr (err, "Sign in again"));

  status = cli_status (fixture);
  assert_status (status, "1", "0", "Sign in again");
  g_clear_pointer (&status, g_hash_table_unref);

  /* What exit status 3 asks for. */
  cli_login (fixture);
  g_assert_cmpint (sync_cli (fixture, NULL, NULL), ==, EXIT_DONE);

  status = cli_status (fixture);
  assert_status (status, "0", "0", NULL);
  g_assert_cmpstr (g_hash_table_lookup (status, "cursor"), !=, cursor);
  assert_on_server_once (fixture, NULL);
}

/* An entry for a unit archived meanwhile is refused for good: it is shown
 * with its reason, the entries behind it go through, and it is not sent
 * again. */
static void
test_always_rejected (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GHashTable) status = NULL;
  g_autoptr(GHashTable) report = NULL;
  g_autofree char *out = NULL;
  g_autofree char *archived = unit_id (fixture, "Pond 4");
  g_autofree char *path = g_strdup_printf ("/api/v1/units/%s", archived);
  g_autofree char *reason_key = NULL;
  const char *refused[2] = { NULL, NULL };
  guint mark;

  /* The worker logs offline; meanwhile an admin archives the unit. */
  refused[0] = log_entry (fixture, "Pond 4", 30.0);
  log_entry (fixture, "Pond 5", 31.0);
  log_entry (fixture, "Raceway 1", 2.25);
  g_assert_cmpuint (fw_test_server_call (fixture->server, "DELETE", path, fixture->admin, NULL, NULL, NULL), ==, 200);

  g_assert_cmpint (sync_cli (fixture, &out, NULL), ==, EXIT_DONE);
  report = parse_report (out);
  g_assert_cmpstr (g_hash_table_lookup (report, "pushed"), ==, "3");
  g_assert_cmpstr (g_hash_table_lookup (report, "applied"), ==, "2");
  g_assert_cmpstr (g_hash_table_lookup (report, "rejected"), ==, "1");
  g_clear_pointer (&report, g_hash_table_unref);
  g_clear_pointer (&out, g_free);

  status = cli_status (fixture);
  assert_status (status, "0", "1", NULL);
  reason_key = g_strdup_printf ("rejected logbook_entry %s", refused[0]);
  g_assert_cmpstr (g_hash_table_lookup (status, reason_key), ==, "The record it belongs to is archived");
  g_clear_pointer (&status, g_hash_table_unref);
  assert_on_server_once (fixture, refused);

  /* The refused entry stays refused and is not sent again. */
  mark = fixture->proxy->requests->len;
  g_assert_cmpint (sync_cli (fixture, &out, NULL), ==, EXIT_DONE);
  report = parse_report (out);
  g_assert_cmpstr (g_hash_table_lookup (report, "pushed"), ==, "0");
  g_assert_cmpuint (fault_proxy_count (fixture->proxy, mark, "POST " PUSH_PATH), ==, 0);

  status = cli_status (fixture);
  assert_status (status, "0", "1", NULL);
  g_assert_cmpstr (g_hash_table_lookup (status, reason_key), ==, "The record it belongs to is archived");
  assert_on_server_once (fixture, refused);
}

/* The server no longer knows the cursor: the CLI downloads everything
 * again, and what it had queued still arrives once. */
static void
test_expired_cursor (Fixture       *fixture,
                     gconstpointer  data)
{
  Fault expired = { FAULT_ANSWER, SOUP_STATUS_GONE, 0, "GET", PULL_PATH, "cursor=", 1 };
  g_autoptr(GHashTable) status = NULL;
  g_autoptr(GHashTable) report = NULL;
  g_autofree char *out = NULL;
  g_autofree char *cursor = NULL;
  guint64 changes = 0;
  guint mark;

  status = cli_status (fixture);
  cursor = g_strdup (g_hash_table_lookup (status, "cursor"));
  g_assert_cmpstr (cursor, !=, "none");
  g_clear_pointer (&status, g_hash_table_unref);

  log_entry (fixture, "Pond 6", 8.0);
  log_entry (fixture, "Tank A2", 0.5);

  mark = fixture->proxy->requests->len;
  fault_proxy_arm (fixture->proxy, &expired);
  g_assert_cmpint (sync_cli (fixture, &out, NULL), ==, EXIT_DONE);
  g_assert_cmpuint (fixture->proxy->faulted, ==, 1);
  /* The push, the refused pull, then a pull from the start. */
  g_assert_cmpuint (fault_proxy_count (fixture->proxy, mark, "POST " PUSH_PATH), ==, 1);
  g_assert_cmpuint (fault_proxy_count (fixture->proxy, mark, "GET " PULL_PATH), ==, 2);

  report = parse_report (out);
  g_assert_cmpstr (g_hash_table_lookup (report, "resynced"), ==, "yes");
  g_assert_cmpstr (g_hash_table_lookup (report, "applied"), ==, "2");
  /* Everything came again: the demo farm and the two entries. */
  g_assert_true (g_ascii_string_to_unsigned (g_hash_table_lookup (report, "changes pulled"), 10, 0, G_MAXUINT,
                                             &changes, NULL));
  g_assert_cmpuint (changes, >, 2);

  status = cli_status (fixture);
  assert_status (status, "0", "0", NULL);
  g_assert_cmpstr (g_hash_table_lookup (status, "cursor"), !=, "none");
  g_assert_cmpstr (g_hash_table_lookup (status, "cursor"), !=, cursor);
  g_clear_pointer (&status, g_hash_table_unref);
  assert_on_server_once (fixture, NULL);

  /* And the new cursor serves as any other. */
  g_clear_pointer (&report, g_hash_table_unref);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (sync_cli (fixture, &out, NULL), ==, EXIT_DONE);
  report = parse_report (out);
  g_assert_null (g_hash_table_lookup (report, "resynced"));
  g_assert_cmpstr (g_hash_table_lookup (report, "changes pulled"), ==, "0");
  assert_on_server_once (fixture, NULL);
}

/* A push answer that settles none of the changes sent, such as one with a
 * status this client does not know: the sync ends instead of sending the
 * same push again at once, for ever, and the changes wait for a server
 * that answers them. */
static void
test_unsettled_push (Fixture       *fixture,
                     gconstpointer  data)
{
  Fault unsettled = { FAULT_UNSETTLED, 0, 0, "POST", PUSH_PATH, NULL, 0 };
  g_autoptr(GHashTable) status = NULL;
  g_autoptr(GHashTable) report = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint64 revision;
  guint mark;

  log_entry (fixture, "Pond 2", 5.5);
  log_entry (fixture, "Tank B1", 0.25);

  mark = fixture->proxy->requests->len;
  fault_proxy_arm (fixture->proxy, &unsettled);
  g_assert_cmpint (sync_cli (fixture, NULL, &err), ==, EXIT_RETRY);
  g_assert_cmpuint (fault_proxy_count (fixture->proxy, mark, "POST " PUSH_PATH), ==, 1);
  g_assert_nonnull (strstr (err, "settles none of the changes sent"));

  status = cli_status (fixture);
  assert_status (status, "2", "0", "settles none of the changes sent");
  g_clear_pointer (&status, g_hash_table_unref);

  /* The server did apply them; the client could not tell. */
  assert_on_server_once (fixture, NULL);
  revision = store_revision (fixture);

  fault_proxy_disarm (fixture->proxy);
  g_assert_cmpint (sync_cli (fixture, &out, NULL), ==, EXIT_DONE);
  report = parse_report (out);
  g_assert_cmpstr (g_hash_table_lookup (report, "applied"), ==, "2");
  g_assert_cmpint (store_revision (fixture), ==, revision);

  status = cli_status (fixture);
  assert_status (status, "0", "0", NULL);
  assert_on_server_once (fixture, NULL);
}

/* Signing in while the server is busy is not a failed sign-in: only 429
 * means too many of those. */
static void
test_sign_in_throttled (Fixture       *fixture,
                        gconstpointer  data)
{
  Fault busy = { FAULT_ANSWER, SOUP_STATUS_SERVICE_UNAVAILABLE, 5, "POST", "/api/v1/session", NULL, 1 };
  Fault limited = { FAULT_ANSWER, 429, 1, "POST", "/api/v1/session", NULL, 1 };
  g_autofree char *input = g_strdup_printf ("%s\n", fw_test_server_password (fixture->server, "worker"));
  g_autofree char *err = NULL;

  fault_proxy_arm (fixture->proxy, &busy);
  g_assert_cmpint (run_cli (fixture, input, NULL, &err, "login", "worker", NULL), ==, EXIT_RETRY);
  g_assert_cmpuint (fixture->proxy->faulted, ==, 1);
  g_assert_nonnull (strstr (err, "The server is busy: injected 503"));
  g_assert_null (strstr (err, "sign-ins"));
  g_clear_pointer (&err, g_free);

  fault_proxy_arm (fixture->proxy, &limited);
  g_assert_cmpint (run_cli (fixture, input, NULL, &err, "login", "worker", NULL), ==, EXIT_RETRY);
  g_assert_cmpuint (fixture->proxy->faulted, ==, 1);
  g_assert_nonnull (strstr (err, "Too many failed sign-ins: try again in 1 second\n"));

  cli_login (fixture);
  log_entry (fixture, "Raceway 3", 3.0);
  g_assert_cmpint (sync_cli (fixture, NULL, NULL), ==, EXIT_DONE);
  assert_on_server_once (fixture, NULL);
}

static const FaultCase server_failed = {
  FAULT_ANSWER, SOUP_STATUS_INTERNAL_SERVER_ERROR, 0, "The server failed (HTTP 500): injected 500", NULL, FALSE,
};
static const FaultCase store_unavailable = {
  FAULT_ANSWER, SOUP_STATUS_SERVICE_UNAVAILABLE, 7, "The server is busy: injected 503",
  "The server asks to wait 7 s", FALSE,
};
static const FaultCase too_many_requests = {
  FAULT_ANSWER, 429, 1, "The server is busy: injected 429", "The server asks to wait 1 s", FALSE,
};
static const FaultCase dropped_after_commit = {
  FAULT_DROP, 0, 0, "Cannot reach the server", NULL, TRUE,
};
static const FaultCase truncated_json = {
  FAULT_TRUNCATE, 0, 0, "The server’s answer was cut short or is not JSON (HTTP 200)", NULL, TRUE,
};
static const FaultCase stalled = {
  FAULT_STALL, 0, 0, "The server did not answer within " STALL_TIMEOUT " seconds", NULL, FALSE,
};

int
main (int   argc,
      char *argv[])
{
  fw_test_init (&argc, &argv);
  fw_test_server_check_store ();

#define ADD(name, data, func) \
  g_test_add ("/sync-faults/" name, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("server-error", &server_failed, test_transient_fault);
  ADD ("store-unavailable", &store_unavailable, test_transient_fault);
  ADD ("too-many-requests", &too_many_requests, test_transient_fault);
  ADD ("dropped-after-commit", &dropped_after_commit, test_transient_fault);
  ADD ("truncated-json", &truncated_json, test_transient_fault);
  ADD ("stalled", &stalled, test_transient_fault);
  ADD ("unauthorized-mid-sync", NULL, test_unauthorized_mid_sync);
  ADD ("always-rejected", NULL, test_always_rejected);
  ADD ("expired-cursor", NULL, test_expired_cursor);
  ADD ("unsettled-push", NULL, test_unsettled_push);
  ADD ("sign-in-throttled", NULL, test_sign_in_throttled);

#undef ADD

  return g_test_run ();
}
