/* fw-server.c — HTTP plumbing: routing, authentication, threads, answers
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SoupServer reads requests on the main thread. Each request is matched to
 * a route, paused, and handled in a worker thread (the store blocks, and so
 * does hashing a password); the answer is written back on the main thread,
 * logged as one JSON line and counted in the metrics. The server keeps no
 * state between requests but its store, so several instances can share one
 * store behind a load balancer.
 *
 * Stopping: fw_server_stop() closes the listening sockets; requests
 * already in flight finish, and the in-flight count tells the caller when.
 */

#include "config.h"

#include "fw-build-info.h"
#include "fw-password.h"
#include "fw-server-log.h"
#include "fw-server-private.h"

struct _FwServer
{
  GObject     parent_instance;

  SoupServer *soup;
  FwStore    *store;
  FwMetrics  *metrics;
  FwAlertEngine *alerts;
  guint       alert_tick_id;
  gboolean    ticking;          /* a tick is running in a worker thread */
  char       *environment;
  FwTime      start_time;
  gint64      start_monotonic;
  guint       in_flight;
  gboolean    stopping;
};

G_DEFINE_FINAL_TYPE (FwServer, fw_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_IN_FLIGHT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fw_request_free (FwRequest *request)
{
  g_clear_object (&request->server);
  g_clear_object (&request->store);
  g_clear_object (&request->metrics);
  g_clear_object (&request->alerts);
  g_free (request->method);
  g_free (request->path);
  g_free (request->id);
  g_clear_pointer (&request->query, g_hash_table_unref);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request->authorization);
  g_free (request->idempotency_key);
  g_free (request->client);
  g_clear_pointer (&request->user, fw_user_free);
  g_clear_pointer (&request->device, fw_device_free);
  g_free (request->content_type);
  g_clear_pointer (&request->response, g_bytes_unref);
  g_free (request->retry_after);
  g_free (request->error_code);
  g_free (request->allow);
  g_free (request);
}

void
fw_request_respond_text (FwRequest  *request,
                         guint       status,
                         const char *content_type,
                         char       *text)
{
  gsize length = strlen (text);

  request->status = status;
  g_free (request->content_type);
  request->content_type = g_strdup (content_type);
  g_clear_pointer (&request->response, g_bytes_unref);
  request->response = g_bytes_new_take (text, length);
}

void
fw_request_respond (FwRequest *request,
                    guint      status,
                    JsonNode  *body)
{
  fw_request_respond_text (request, status, "application/json", json_to_string (body, FALSE));
}

/**
 * fw_request_fail:
 * @code: a stable machine-readable code, such as "invalid_field"
 * @field: (nullable): the field at fault
 *
 * Answers `{"error": {"code", "message", "field"?}}`.
 */
void
fw_request_fail (FwRequest  *request,
                 guint       status,
                 const char *code,
                 const char *message,
                 const char *field)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  if (field != NULL)
    {
      json_builder_set_member_name (builder, "field");
      json_builder_add_string_value (builder, field);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  fw_request_respond (request, status, root);

  g_free (request->error_code);
  request->error_code = g_strdup (code);
}

/* The store's trouble is the server's: 503 when it may pass (busy, gone),
 * 507 when the disk is full, 500 otherwise. The message stays in the log;
 * the client learns only what it can act on. */
void
fw_request_fail_store (FwRequest *request,
                       GError    *error)
{
  fw_server_log ("error", error->message, "event.action", "store-failed",
                 "url.path", request->path, NULL);

  if (g_error_matches (error, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND))
    fw_request_fail (request, SOUP_STATUS_NOT_FOUND, "not_found", "No such record", NULL);
  else if (g_error_matches (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_FULL))
    fw_request_fail (request, SOUP_STATUS_INSUFFICIENT_STORAGE, "store_full",
                     "The server's disk is full; nothing was saved", NULL);
  else if (g_error_matches (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_BUSY) ||
           g_error_matches (error, FW_STORE_ERROR, FW_STORE_ERROR_UNAVAILABLE))
    {
      fw_request_fail (request, SOUP_STATUS_SERVICE_UNAVAILABLE, "store_unavailable",
                       "The server's store is busy or unreachable; try again", NULL);
      g_free (request->retry_after);
      request->retry_after = g_strdup ("1");
    }
  else
    fw_request_fail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                     "The server failed; nothing was saved", NULL);
}

/**
 * fw_request_parse_body:
 *
 * Returns: (transfer full) (nullable): the body as JSON, or %NULL after
 *   answering 400 with what is wrong with it
 */
JsonNode *
fw_request_parse_body (FwRequest *request)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  const char *data = request->body != NULL ? g_bytes_get_data (request->body, &length) : NULL;

  if (length == 0)
    {
      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "missing_body",
                       "The request needs a JSON body", NULL);
      return NULL;
    }

  if (!json_parser_load_from_data (parser, data, length, &error))
    {
      g_autofree char *message = g_strdup_printf ("The body is not valid JSON: %s", error->message);

      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "malformed_json", message, NULL);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "malformed_json",
                       "The body must be a JSON object", NULL);
      return NULL;
    }

  return json_parser_steal_root (parser);
}

const char *
fw_request_get_query (FwRequest  *request,
                      const char *name)
{
  return request->query != NULL ? g_hash_table_lookup (request->query, name) : NULL;
}

/* Matches @path against @pattern; one "{id}" segment is captured. */
static gboolean
match_pattern (const char  *pattern,
               const char  *path,
               char       **id)
{
  g_auto(GStrv) want = g_strsplit (pattern, "/", -1);
  g_auto(GStrv) have = g_strsplit (path, "/", -1);
  g_autofree char *captured = NULL;

  if (g_strv_length (want) != g_strv_length (have))
    return FALSE;

  for (guint i = 0; want[i] != NULL; i++)
    {
      if (g_str_equal (want[i], "{id}"))
        {
          if (*have[i] == '\0')
            return FALSE;
          captured = g_uri_unescape_string (have[i], NULL);
          if (captured == NULL)
            return FALSE;
        }
      else if (!g_str_equal (want[i], have[i]))
        return FALSE;
    }

  *id = g_steal_pointer (&captured);
  return TRUE;
}

/* @allowed collects the methods the path takes, for a 405's Allow. */
static const FwRoute *
find_route (const char  *method,
            const char  *path,
            char       **id,
            GString     *allowed)
{
  for (guint i = 0; i < fw_n_routes; i++)
    {
      g_autofree char *captured = NULL;

      if (!match_pattern (fw_routes[i].pattern, path, &captured))
        continue;

      if (g_str_equal (fw_routes[i].method, method))
        {
          *id = g_steal_pointer (&captured);
          return &fw_routes[i];
        }

      g_string_append_printf (allowed, "%s%s", allowed->len > 0 ? ", " : "", fw_routes[i].method);
    }

  return NULL;
}

static gboolean
authenticate (FwRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  const char *token;

  if (request->route->auth == FW_AUTH_NONE)
    return TRUE;

  if (request->authorization == NULL || !g_str_has_prefix (request->authorization, "Bearer "))
    {
      fw_request_fail (request, SOUP_STATUS_UNAUTHORIZED, "unauthenticated",
                       "Sign in first: this needs an Authorization: Bearer token", NULL);
      return FALSE;
    }

  token = request->authorization + strlen ("Bearer ");
  hash = fw_token_hash (token);

  if (request->route->auth == FW_AUTH_DEVICE && g_str_has_prefix (token, FW_DEVICE_TOKEN_PREFIX))
    request->device = fw_store_find_device (request->store, hash, &error);
  else if (request->route->auth == FW_AUTH_USER && g_str_has_prefix (token, FW_SESSION_TOKEN_PREFIX))
    request->user = fw_store_find_session (request->store, hash, request->now, &error);

  if (error != NULL)
    {
      fw_request_fail_store (request, error);
      return FALSE;
    }

  if (request->user == NULL && request->device == NULL)
    {
      fw_request_fail (request, SOUP_STATUS_UNAUTHORIZED, "unauthenticated",
                       "The token is unknown or has expired; sign in again", NULL);
      return FALSE;
    }

  if (request->user != NULL && request->user->role < request->route->min_role)
    {
      fw_request_fail (request, SOUP_STATUS_FORBIDDEN, "forbidden",
                       "Your role may not do this", NULL);
      return FALSE;
    }

  return TRUE;
}

static void
handle_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  FwRequest *request = task_data;

  if (authenticate (request))
    request->route->handler (request);

  if (request->status == 0)
    fw_request_fail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                     "The server gave no answer", NULL);

  g_task_return_boolean (task, TRUE);
}

typedef struct
{
  SoupServerMessage *msg;
  gboolean           disconnected;
} Pending;

static void
on_message_disconnected_cb (SoupServerMessage *msg,
                            Pending           *pending)
{
  pending->disconnected = TRUE;
}

static void
finish_request (FwServer          *self,
                SoupServerMessage *msg,
                FwRequest         *request,
                gint64             started)
{
  double seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *route = request->route != NULL ? request->route->pattern : "unmatched";
  gsize length = 0;
  const char *data = request->response != NULL ? g_bytes_get_data (request->response, &length) : "";

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  if (request->retry_after != NULL)
    soup_message_headers_replace (headers, "Retry-After", request->retry_after);
  if (request->allow != NULL)
    soup_message_headers_replace (headers, "Allow", request->allow);
  if (request->status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (headers, "WWW-Authenticate", "Bearer realm=\"fishwatch\"");

  soup_server_message_set_status (msg, request->status, NULL);
  soup_server_message_set_response (msg, request->content_type ?: "application/json",
                                    SOUP_MEMORY_COPY, data, length);

  fw_metrics_observe_request (self->metrics, route, request->method, request->status, seconds);
  fw_server_log_request (request->method, request->path, route, request->status, seconds,
                         request->client,
                         request->user != NULL ? request->user->username :
                         request->device != NULL ? request->device->name : NULL,
                         request->error_code);
}

typedef struct
{
  FwServer          *server;
  SoupServerMessage *msg;
  Pending           *pending;
  gulong             handler;
  gint64             started;
} Flight;

static void
on_request_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Flight *flight = user_data;
  FwServer *self = flight->server;
  FwRequest *request = g_task_get_task_data (G_TASK (result));

  g_signal_handler_disconnect (flight->msg, flight->handler);

  if (!flight->pending->disconnected)
    {
      finish_request (self, flight->msg, request, flight->started);
      soup_server_message_unpause (flight->msg);
    }

  g_object_unref (flight->msg);
  g_free (flight->pending);
  g_free (flight);
  g_object_unref (self);
}

static gsize
body_limit (const char *path)
{
  return g_str_equal (path, "/api/v1/ingest") ? FW_SERVER_MAX_INGEST_BODY : FW_SERVER_MAX_BODY;
}

static void
answer_now (FwServer          *self,
            SoupServerMessage *msg,
            FwRequest         *request)
{
  finish_request (self, msg, request, g_get_monotonic_time ());
  fw_request_free (request);
}

static FwRequest *
request_new (FwServer          *self,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query)
{
  FwRequest *request = g_new0 (FwRequest, 1);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  request->server = g_object_ref (self);
  request->store = g_object_ref (self->store);
  request->metrics = g_object_ref (self->metrics);
  request->alerts = g_object_ref (self->alerts);
  request->method = g_strdup (soup_server_message_get_method (msg));
  request->path = g_strdup (path);
  request->query = query != NULL ? g_hash_table_ref (query) : NULL;
  request->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  request->idempotency_key = g_strdup (soup_message_headers_get_one (headers, "Idempotency-Key"));
  request->client = g_strdup (soup_server_message_get_remote_host (msg) ?: "");
  request->now = g_get_real_time () / G_USEC_PER_SEC;

  return request;
}

/* Runs after the headers, before the body: a body too large is refused
 * without reading it. */
static void
early_handler_cb (SoupServer        *soup,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  FwServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);

  if (length > (goffset) body_limit (path))
    {
      FwRequest *request = request_new (self, msg, path, query);

      fw_request_fail (request, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "body_too_large",
                       "The request body is larger than the server accepts", NULL);
      answer_now (self, msg, request);
    }
}

static void
handler_cb (SoupServer        *soup,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  FwServer *self = user_data;
  FwRequest *request;
  SoupMessageBody *body;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GString) allowed = g_string_new (NULL);
  Flight *flight;

  /* Answered by the early handler. */
  if (soup_server_message_get_status (msg) != 0)
    return;

  request = request_new (self, msg, path, query);
  request->route = find_route (request->method, path, &request->id, allowed);

  if (request->route == NULL)
    {
      if (allowed->len > 0)
        {
          fw_request_fail (request, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                           "This path does not take that method", NULL);
          request->allow = g_strdup (allowed->str);
        }
      else
        fw_request_fail (request, SOUP_STATUS_NOT_FOUND, "not_found", "No such path", NULL);
      answer_now (self, msg, request);
      return;
    }

  /* A chunked body has no length up front: checked once read. */
  body = soup_server_message_get_request_body (msg);
  if ((gsize) body->length > body_limit (path))
    {
      fw_request_fail (request, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "body_too_large",
                       "The request body is larger than the server accepts", NULL);
      answer_now (self, msg, request);
      return;
    }
  request->body = soup_message_body_flatten (body);

  flight = g_new0 (Flight, 1);
  flight->server = g_object_ref (self);
  flight->msg = g_object_ref (msg);
  flight->pending = g_new0 (Pending, 1);
  flight->started = g_get_monotonic_time ();
  flight->handler = g_signal_connect (msg, "disconnected",
                                      G_CALLBACK (on_message_disconnected_cb), flight->pending);

  soup_server_message_pause (msg);
  task = g_task_new (NULL, NULL, on_request_done_cb, flight);
  g_task_set_task_data (task, request, (GDestroyNotify) fw_request_free);
  g_task_run_in_thread (task, handle_thread);
}

/* A request counts from its first byte to its last answered byte, so that
 * stopping waits for one whose body is still arriving, too. A message
 * that goes away without "finished" or "aborted" (its client vanished
 * mid-request) stops counting when it is freed. */
static void
request_done (FwServer *self)
{
  g_return_if_fail (self->in_flight > 0);

  self->in_flight--;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IN_FLIGHT]);
}

static void
on_message_freed_cb (gpointer  user_data,
                     GObject  *where_the_message_was)
{
  request_done (user_data);
}

static void
on_request_started_cb (SoupServer        *soup,
                       SoupServerMessage *msg,
                       FwServer          *self)
{
  self->in_flight++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IN_FLIGHT]);
  g_object_weak_ref (G_OBJECT (msg), on_message_freed_cb, self);
}

static void
on_request_ended_cb (SoupServer        *soup,
                     SoupServerMessage *msg,
                     FwServer          *self)
{
  g_object_weak_unref (G_OBJECT (msg), on_message_freed_cb, self);
  request_done (self);
}

static void
fw_server_dispose (GObject *object)
{
  FwServer *self = FW_SERVER (object);

  g_clear_handle_id (&self->alert_tick_id, g_source_remove);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->store);
  g_clear_object (&self->metrics);
  g_clear_object (&self->alerts);

  G_OBJECT_CLASS (fw_server_parent_class)->dispose (object);
}

static void
fw_server_finalize (GObject *object)
{
  FwServer *self = FW_SERVER (object);

  g_free (self->environment);

  G_OBJECT_CLASS (fw_server_parent_class)->finalize (object);
}

static void
fw_server_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  FwServer *self = FW_SERVER (object);

  switch (prop_id)
    {
    case PROP_IN_FLIGHT:
      g_value_set_uint (value, self->in_flight);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_server_class_init (FwServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fw_server_dispose;
  object_class->finalize = fw_server_finalize;
  object_class->get_property = fw_server_get_property;

  properties[PROP_IN_FLIGHT] =
    g_param_spec_uint ("in-flight", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fw_server_init (FwServer *self)
{
  self->start_time = g_get_real_time () / G_USEC_PER_SEC;
  self->start_monotonic = g_get_monotonic_time ();
}

FwServer *
fw_server_new (FwStore    *store,
               const char *environment)
{
  FwServer *self;

  g_return_val_if_fail (FW_IS_STORE (store), NULL);
  g_return_val_if_fail (environment != NULL, NULL);

  self = g_object_new (FW_TYPE_SERVER, NULL);
  self->store = g_object_ref (store);
  self->environment = g_strdup (environment);
  self->metrics = fw_metrics_new (PACKAGE_VERSION, FW_BUILD_REVISION, environment);
  self->alerts = fw_alert_engine_new (store);
  self->soup = soup_server_new ("server-header", "fishwatch-server/" PACKAGE_VERSION " ", NULL);

  soup_server_add_early_handler (self->soup, NULL, early_handler_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, handler_cb, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started_cb), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (on_request_ended_cb), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (on_request_ended_cb), self);

  return self;
}

/**
 * fw_server_listen:
 * @address: "HOST:PORT"; port 0 picks a free one
 */
gboolean
fw_server_listen (FwServer    *self,
                  const char  *address,
                  GError     **error)
{
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GSocketAddressEnumerator) enumerator = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;

  g_return_val_if_fail (FW_IS_SERVER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  connectable = g_network_address_parse (address, 0, error);
  if (connectable == NULL)
    return FALSE;

  enumerator = g_socket_connectable_enumerate (connectable);
  socket_address = g_socket_address_enumerator_next (enumerator, NULL, error);
  if (socket_address == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     "“%s” is not an address to listen on", address);
      return FALSE;
    }

  return soup_server_listen (self->soup, socket_address, 0, error);
}

guint
fw_server_get_port (FwServer *self)
{
  g_autoptr(GSList) uris = NULL;
  guint port = 0;

  g_return_val_if_fail (FW_IS_SERVER (self), 0);

  uris = soup_server_get_uris (self->soup);
  if (uris != NULL)
    port = g_uri_get_port (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  return port;
}

/* No new connections; requests in flight carry on to their answer. Only
 * the listening sockets close: soup_server_disconnect() would drop the
 * connections of requests being answered too. */
void
fw_server_stop (FwServer *self)
{
  GSList *listeners;

  g_return_if_fail (FW_IS_SERVER (self));

  if (self->stopping)
    return;

  self->stopping = TRUE;
  listeners = soup_server_get_listeners (self->soup);
  for (GSList *l = listeners; l != NULL; l = l->next)
    g_socket_close (l->data, NULL);
  g_slist_free (listeners);
}

static void
alert_tick_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  fw_alert_engine_tick (task_data, g_get_real_time () / G_USEC_PER_SEC);
  g_task_return_boolean (task, TRUE);
}

static void
on_alert_tick_done_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  FW_SERVER (source)->ticking = FALSE;
}

/* Ticking writes to the store, which blocks: it runs in a worker thread,
 * and a tick still running when the next is due makes that one wait. */
static gboolean
on_alert_tick_cb (gpointer user_data)
{
  FwServer *self = user_data;
  g_autoptr(GTask) task = NULL;

  if (self->ticking || self->stopping)
    return G_SOURCE_CONTINUE;

  self->ticking = TRUE;
  task = g_task_new (self, NULL, on_alert_tick_done_cb, NULL);
  g_task_set_task_data (task, g_object_ref (self->alerts), g_object_unref);
  g_task_run_in_thread (task, alert_tick_thread);
  return G_SOURCE_CONTINUE;
}

/**
 * fw_server_set_alert_tick:
 * @seconds: how often to look for sensors gone silent; 0 never
 *
 * The timer runs on the thread-default main context of the caller.
 */
void
fw_server_set_alert_tick (FwServer *self,
                          guint     seconds)
{
  g_return_if_fail (FW_IS_SERVER (self));

  g_clear_handle_id (&self->alert_tick_id, g_source_remove);
  if (seconds > 0)
    self->alert_tick_id = g_timeout_add_seconds (seconds, on_alert_tick_cb, self);
}

guint
fw_server_get_in_flight (FwServer *self)
{
  g_return_val_if_fail (FW_IS_SERVER (self), 0);

  return self->in_flight;
}

const char *
fw_server_get_environment (FwServer *self)
{
  return self->environment;
}

double
fw_server_get_uptime (FwServer *self)
{
  return (g_get_monotonic_time () - self->start_monotonic) / (double) G_USEC_PER_SEC;
}

FwTime
fw_server_get_start_time (FwServer *self)
{
  return self->start_time;
}

/**
 * fw_server_get_routes:
 *
 * Returns: (transfer none): every route as "METHOD /pattern", for the test
 *   that holds the OpenAPI document to the code
 */
const char * const *
fw_server_get_routes (void)
{
  static GPtrArray *routes;

  if (g_once_init_enter (&routes))
    {
      GPtrArray *list = g_ptr_array_new ();

      for (guint i = 0; i < fw_n_routes; i++)
        g_ptr_array_add (list, g_strconcat (fw_routes[i].method, " ", fw_routes[i].pattern, NULL));
      g_ptr_array_add (list, NULL);
      g_once_init_leave (&routes, list);
    }

  return (const char * const *) routes->pdata;
}
