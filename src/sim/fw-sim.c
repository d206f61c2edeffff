/* fw-sim.c — a farm's sensor gateway, simulated, pushing to a server
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run asks the server which sensors the device has, backfills their
 * history up to the start and then streams new readings as simulated time
 * passes. Each sensor keeps a cursor, the time of its next reading; a
 * request takes readings from the cursors up to the target time, so
 * nothing is generated twice and a slow server only makes later requests
 * bigger. Bodies are built in a worker thread (the values are pure
 * functions of time), requests go out through libsoup's async API, and a
 * request is retried until the server has it: readings are never dropped
 * because a server was down or busy.
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "fw-sim.h"
#include "fw-sim-fault.h"
#include "fw-sim-sensor.h"

typedef enum
{
  PHASE_IDLE,
  PHASE_DEVICE,
  PHASE_BACKFILL,
  PHASE_STREAM,
  PHASE_DONE,
} Phase;

struct _FwSim
{
  GObject       parent_instance;

  char         *server_url;
  char         *token;
  FwTime        backfill;
  double        speed;
  gint64        duration;             /* simulated seconds, -1 until stopped */
  guint         push_every;
  guint64       seed;
  FwTime        now;                  /* 0 for the clock */
  guint         readings_per_request;
  guint         sensors_per_request;  /* 0 for as many as fit */
  guint         concurrency;
  GPtrArray    *faults;               /* FwSimFault */

  /* The state of one run. */
  GTask        *task;
  guint         run_serial;
  SoupSession  *session;
  GUri         *device_uri;
  GUri         *ingest_uri;
  GCancellable *cancellable;          /* cancels every request of the run */
  GCancellable *caller_cancellable;
  gulong        caller_cancelled_id;
  GSource      *cancelled_source;
  GSource      *tick_source;
  GSource      *idle_source;
  GPtrArray    *sensors;              /* FwSimSensor */
  GArray       *cursors;              /* FwTime, each sensor's next reading */
  GArray       *firsts;               /* FwTime, each sensor's first reading */
  Phase         phase;
  FwTime        anchor;               /* where the backfill ends and streaming starts */
  FwTime        target;               /* readings up to here are due */
  FwTime        stream_end;
  gint64        stream_started;       /* monotonic µs */
  gboolean      wall_clock;
  gboolean      stopping;
  guint         pack_index;
  guint         request_limit;
  GQueue        redo;                 /* Request without a body, split after a 413 */
  GPtrArray    *waiting;              /* Request, waiting to retry */
  guint         n_in_flight;
  gint64        run_started;
  gint64        run_finished;

  guint64       pushed;
  guint64       accepted;
  guint64       rejected;
  guint64       requests;
  guint64       retries;
};

G_DEFINE_FINAL_TYPE (FwSim, fw_sim, G_TYPE_OBJECT)

G_DEFINE_QUARK (fw-sim-error-quark, fw_sim_error)

enum {
  PROP_0,
  PROP_SERVER_URL,
  PROP_TOKEN,
  PROP_BACKFILL,
  PROP_SPEED,
  PROP_DURATION,
  PROP_PUSH_EVERY,
  PROP_SEED,
  PROP_NOW,
  PROP_READINGS_PER_REQUEST,
  PROP_SENSORS_PER_REQUEST,
  PROP_CONCURRENCY,
  PROP_SIMULATED_TIME,
  PROP_PUSHED,
  PROP_ACCEPTED,
  PROP_REJECTED,
  PROP_REQUESTS,
  PROP_RETRIES,
  N_PROPS
};

enum {
  RETRYING,
  REJECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* RFC 6585; libsoup 3.2 has no name for it. */
#define HTTP_TOO_MANY_REQUESTS 429

/* Backoff after a failure: doubling from one second up to a minute. */
#define BACKOFF_FIRST_MS 1000
#define BACKOFF_CAP_MS 60000
/* A Retry-After beyond an hour is more likely a broken header than a plan. */
#define RETRY_AFTER_CAP_S 3600
/* Room for the batch envelopes: a reading takes at most 32 bytes with its
 * time (values are clamped to plausible ranges, so they stay short). */
#define MAX_BODY_READINGS ((FW_SIM_MAX_BODY_BYTES - 64 * 1024) / 32)

typedef struct
{
  guint  sensor;
  FwTime start;
  guint  n_slots;
} Chunk;

typedef struct
{
  FwSim   *self;
  guint    run;
  gboolean is_ingest;
  GArray  *chunks;       /* Chunk */
  guint    n_slots;
  GBytes  *body;
  guint    n_values;
  guint    attempt;
  GSource *wait_source;
} Request;

static void pump         (FwSim   *self);
static void send_request (Request *request);

static Request *
request_new (FwSim    *self,
             gboolean  is_ingest,
             GArray   *chunks)
{
  Request *request = g_new0 (Request, 1);

  request->self = g_object_ref (self);
  request->run = self->run_serial;
  request->is_ingest = is_ingest;
  request->chunks = chunks != NULL ? g_array_ref (chunks) : NULL;

  for (guint i = 0; chunks != NULL && i < chunks->len; i++)
    request->n_slots += g_array_index (chunks, Chunk, i).n_slots;

  return request;
}

static void
request_free (Request *request)
{
  if (request->wait_source != NULL)
    {
      g_source_destroy (request->wait_source);
      g_source_unref (request->wait_source);
    }

  g_clear_pointer (&request->chunks, g_array_unref);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_object_unref (request->self);
  g_free (request);
}

static gboolean
request_is_current (Request *request)
{
  return request->self->task != NULL && request->run == request->self->run_serial;
}

static void
notify_counters (FwSim *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PUSHED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCEPTED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REJECTED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUESTS]);
}

static GSource *
attach_source (FwSim       *self,
               GSource     *source,
               GSourceFunc  func,
               gpointer     data)
{
  g_source_set_callback (source, func, data, NULL);
  g_source_attach (source, g_task_get_context (self->task));
  return source;
}

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
finish_run (FwSim  *self,
            GError *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  Request *request;

  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }

  self->phase = PHASE_DONE;
  self->run_finished = g_get_monotonic_time ();

  clear_source (&self->cancelled_source);
  clear_source (&self->tick_source);
  clear_source (&self->idle_source);
  if (self->caller_cancelled_id != 0)
    g_cancellable_disconnect (self->caller_cancellable, self->caller_cancelled_id);
  self->caller_cancelled_id = 0;
  g_clear_object (&self->caller_cancellable);

  /* Requests on the wire come back cancelled and find the run over. */
  g_cancellable_cancel (self->cancellable);
  g_ptr_array_set_size (self->waiting, 0);
  while ((request = g_queue_pop_head (&self->redo)) != NULL)
    request_free (request);
  self->n_in_flight = 0;

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static FwTime
align_up (FwTime t,
          guint  interval)
{
  FwTime rest = ((t % interval) + interval) % interval;

  return rest == 0 ? t : t + (interval - rest);
}

static FwTime
clock_now (FwSim *self)
{
  /* A realtime gateway reads the clock, so the time a long backfill took
   * is caught up at once; a faster or slower one runs its own clock from
   * the start of streaming. */
  if (self->wall_clock)
    return g_get_real_time () / G_USEC_PER_SEC;

  return self->anchor + (FwTime) ((g_get_monotonic_time () - self->stream_started)
                                  * self->speed / G_USEC_PER_SEC);
}

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if ((guchar) *p < 0x20)
        g_string_append_printf (out, "\\u%04x", (guint) (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* Values are already rounded to @decimals; printing the integer parts
 * keeps the text exact and is faster than a %f per reading. */
static void
append_value (GString *out,
              double   value,
              guint    decimals)
{
  static const gint64 scales[] = { 1, 10, 100, 1000, 10000, 100000, 1000000 };
  gint64 scale = scales[MIN (decimals, G_N_ELEMENTS (scales) - 1)];
  gint64 k = llround (value * scale);

  if (k < 0)
    {
      g_string_append_c (out, '-');
      k = -k;
    }

  g_string_append_printf (out, "%" G_GINT64_FORMAT ".%0*" G_GINT64_FORMAT,
                          k / scale, (int) decimals, k % scale);
}

/* One chunk becomes one batch: evenly spaced with nulls for dropouts, or,
 * when the sensor fell silent in the middle, the times of what it did
 * report. Returns how many values it holds. */
static guint
append_chunk (GString           *out,
              const FwSimSensor *sensor,
              const Chunk       *chunk,
              gboolean           first)
{
  g_autofree double *values = g_new (double, chunk->n_slots);
  g_autofree guint8 *kinds = g_new (guint8, chunk->n_slots);
  guint decimals = fw_sim_sensor_get_decimals (sensor);
  gint first_value = -1, last_value = -1;
  gboolean gap = FALSE;
  guint n_values = 0;

  for (guint i = 0; i < chunk->n_slots; i++)
    {
      FwTime t = chunk->start + (FwTime) i * sensor->interval;

      kinds[i] = fw_sim_sensor_read (sensor, t, &values[i]);
      if (kinds[i] == FW_SIM_READING_VALUE)
        {
          if (first_value < 0)
            first_value = i;
          last_value = i;
          n_values++;
        }
    }

  if (n_values == 0)
    return 0;

  for (gint i = first_value; i <= last_value; i++)
    gap |= kinds[i] == FW_SIM_READING_SILENT;

  if (!first)
    g_string_append_c (out, ',');
  g_string_append (out, "{\"sensor\":");
  append_json_string (out, sensor->id);

  if (!gap)
    {
      g_string_append_printf (out, ",\"start\":%" G_GINT64_FORMAT ",\"interval\":%u,\"values\":[",
                              chunk->start + (FwTime) first_value * sensor->interval,
                              sensor->interval);
      for (gint i = first_value; i <= last_value; i++)
        {
          if (i > first_value)
            g_string_append_c (out, ',');
          if (kinds[i] == FW_SIM_READING_VALUE)
            append_value (out, values[i], decimals);
          else
            g_string_append (out, "null");
        }
    }
  else
    {
      gboolean any = FALSE;

      g_string_append (out, ",\"times\":[");
      for (gint i = first_value; i <= last_value; i++)
        {
          if (kinds[i] != FW_SIM_READING_VALUE)
            continue;
          g_string_append_printf (out, "%s%" G_GINT64_FORMAT, any ? "," : "",
                                  chunk->start + (FwTime) i * sensor->interval);
          any = TRUE;
        }

      any = FALSE;
      g_string_append (out, "],\"values\":[");
      for (gint i = first_value; i <= last_value; i++)
        {
          if (kinds[i] != FW_SIM_READING_VALUE)
            continue;
          if (any)
            g_string_append_c (out, ',');
          append_value (out, values[i], decimals);
          any = TRUE;
        }
    }

  g_string_append (out, "]}");
  return n_values;
}

/* Runs in a worker: the sensors do not change while a run lasts. */
static void
build_body_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  FwSim *self = source_object;
  Request *request = task_data;
  GString *out = g_string_sized_new (64 + request->n_slots * 8);
  gboolean first = TRUE;

  g_string_append (out, "{\"batches\":[");
  for (guint i = 0; i < request->chunks->len; i++)
    {
      const Chunk *chunk = &g_array_index (request->chunks, Chunk, i);
      guint n = append_chunk (out, g_ptr_array_index (self->sensors, chunk->sensor), chunk, first);

      request->n_values += n;
      first &= n == 0;
    }
  g_string_append (out, "]}");

  g_task_return_pointer (task, g_string_free_to_bytes (out), (GDestroyNotify) g_bytes_unref);
}

static void
body_built_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Request *request = user_data;
  FwSim *self = request->self;
  g_autoptr(GError) error = NULL;
  GBytes *body = g_task_propagate_pointer (G_TASK (result), &error);

  if (body == NULL || !request_is_current (request))
    {
      g_clear_pointer (&body, g_bytes_unref);
      request_free (request);
      return;
    }

  request->body = body;

  if (request->n_values == 0)
    {
      /* Nothing but dropouts and silence: a gateway sends nothing. */
      self->n_in_flight--;
      request_free (request);
      pump (self);
      return;
    }

  send_request (request);
}

static void
start_building (FwSim   *self,
                Request *request)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, body_built_cb, request);

  g_task_set_source_tag (task, start_building);
  g_task_set_task_data (task, request, NULL);
  g_task_run_in_thread (task, build_body_thread);
}

/* Takes the next readings from the cursors: whole histories, one sensor
 * after another, as far as a request holds; or, with sensors-per-request,
 * an equal share for each of that many sensors. */
static GArray *
collect_chunks (FwSim *self)
{
  GArray *chunks = g_array_new (FALSE, FALSE, sizeof (Chunk));
  guint n = self->sensors->len;
  guint room = self->request_limit;
  guint per_sensor = self->sensors_per_request > 0
                     ? MAX (1, room / self->sensors_per_request)
                     : room;
  guint i = self->pack_index % n;

  for (guint visited = 0;
       visited < n && room > 0
       && (self->sensors_per_request == 0 || chunks->len < self->sensors_per_request);
       visited++)
    {
      FwSimSensor *sensor = g_ptr_array_index (self->sensors, i);
      FwTime *next = &g_array_index (self->cursors, FwTime, i);

      if (*next <= self->target)
        {
          guint64 available = (guint64) (self->target - *next) / sensor->interval + 1;
          Chunk chunk = { i, *next, (guint) MIN (available, MIN (room, per_sensor)) };

          g_array_append_val (chunks, chunk);
          *next += (FwTime) chunk.n_slots * sensor->interval;
          room -= chunk.n_slots;

          /* The request is full halfway through this sensor: the next one
           * carries on with it. */
          if (room == 0 && *next <= self->target && self->sensors_per_request == 0)
            break;
        }

      i = (i + 1) % n;
    }

  self->pack_index = i;
  return chunks;
}

static gboolean
has_due_readings (FwSim *self)
{
  for (guint i = 0; i < self->cursors->len; i++)
    {
      if (g_array_index (self->cursors, FwTime, i) <= self->target)
        return TRUE;
    }

  return FALSE;
}

static void start_stream (FwSim *self);

static void
pump (FwSim *self)
{
  gboolean generating;

  if (self->task == NULL || (self->phase != PHASE_BACKFILL && self->phase != PHASE_STREAM))
    return;

  /* Stopping during the backfill drops the rest of the history, which
   * was never generated; stopping while streaming sends what is due. */
  generating = !(self->stopping && self->phase == PHASE_BACKFILL);

  while (self->n_in_flight < self->concurrency)
    {
      Request *request = g_queue_pop_head (&self->redo);

      if (request != NULL)
        {
          self->n_in_flight++;
          start_building (self, request);
          continue;
        }

      if (!generating || !has_due_readings (self))
        break;

      {
        g_autoptr(GArray) chunks = collect_chunks (self);

        request = request_new (self, TRUE, chunks);
        self->n_in_flight++;
        start_building (self, request);
      }
    }

  if (self->n_in_flight > 0 || !g_queue_is_empty (&self->redo)
      || (generating && has_due_readings (self)))
    return;

  if (self->phase == PHASE_BACKFILL)
    {
      if (self->stopping || self->duration == 0)
        finish_run (self, NULL);
      else
        start_stream (self);
    }
  else if (self->stopping || self->target >= self->stream_end)
    {
      finish_run (self, NULL);
    }
}

static void
advance_target (FwSim  *self,
                FwTime  target)
{
  target = MIN (target, self->stream_end);
  if (target <= self->target)
    return;

  self->target = target;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIMULATED_TIME]);
}

static gboolean
tick_cb (gpointer user_data)
{
  FwSim *self = user_data;

  advance_target (self, clock_now (self));

  if (self->target >= self->stream_end)
    clear_source (&self->tick_source);

  pump (self);
  return G_SOURCE_CONTINUE;
}

static void
start_stream (FwSim *self)
{
  guint period_ms;

  self->phase = PHASE_STREAM;
  self->stream_end = self->duration < 0 ? G_MAXINT64 : self->anchor + self->duration;
  self->stream_started = g_get_monotonic_time ();

  /* A push every push-every simulated seconds, but no busier than a
   * hundred ticks a second however fast the clock runs. */
  period_ms = (guint) CLAMP (self->push_every * 1000.0 / (self->wall_clock ? 1.0 : self->speed),
                             10.0, (double) G_MAXUINT);
  self->tick_source = attach_source (self, g_timeout_source_new (period_ms), tick_cb, self);

  tick_cb (self);
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gint64
get_int (JsonObject *object,
         const char *name,
         gint64      fallback)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return json_node_get_int (node);
    case G_TYPE_DOUBLE:
      return (gint64) json_node_get_double (node);
    default:
      return fallback;
    }
}

/* Returns: (transfer full): what the server said in its error body, or
 * the HTTP reason when it said nothing useful */
static char *
describe_error_body (SoupMessage *msg,
                     GBytes      *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *reason = soup_message_get_reason_phrase (msg);
  JsonNode *root;

  if (bytes != NULL && g_bytes_get_size (bytes) > 0
      && json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                     g_bytes_get_size (bytes), NULL)
      && (root = json_parser_get_root (parser)) != NULL
      && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      JsonNode *error = json_object_get_member (object, "error");

      if (error != NULL && JSON_NODE_HOLDS_OBJECT (error))
        {
          JsonObject *e = json_node_get_object (error);
          const char *message = get_string (e, "message");
          const char *code = get_string (e, "code");
          const char *field = get_string (e, "field");

          if (message != NULL && field != NULL)
            /* Translators: an error from the server, its code and the field it concerns */
            return g_strdup_printf (_("%s (%s, field “%s”)"),
                                    message, code != NULL ? code : "?", field);
          if (message != NULL)
            return g_strdup_printf ("%s (%s)", message, code != NULL ? code : "?");
        }
    }

  return g_strdup (reason != NULL && *reason != '\0' ? reason : _("no explanation"));
}

static gboolean
retry_cb (gpointer user_data)
{
  Request *request = user_data;
  FwSim *self = request->self;
  guint index;

  g_clear_pointer (&request->wait_source, g_source_unref);
  if (g_ptr_array_find (self->waiting, request, &index))
    g_ptr_array_steal_index (self->waiting, index);

  send_request (request);
  return G_SOURCE_REMOVE;
}

/* The request keeps its place among those in flight while it waits, so
 * that a server in trouble is not sent anything new meanwhile. */
static void
schedule_retry (Request    *request,
                guint       delay_ms,
                const char *why)
{
  FwSim *self = request->self;

  request->attempt++;
  self->retries++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRIES]);
  g_signal_emit (self, signals[RETRYING], 0, why, delay_ms / 1000.0);

  g_ptr_array_add (self->waiting, request);
  request->wait_source = attach_source (self, g_timeout_source_new (delay_ms), retry_cb, request);
}

/* Equal jitter: at least half the backoff, so that a flock of gateways
 * spreads out without any of them hammering the server. */
static guint
backoff_ms (guint attempt)
{
  guint64 base = BACKOFF_FIRST_MS;

  for (guint i = 0; i < attempt && base < BACKOFF_CAP_MS; i++)
    base *= 2;
  base = MIN (base, BACKOFF_CAP_MS);

  return (guint) (base / 2 + g_random_int_range (0, (gint32) (base / 2) + 1));
}

/* Returns: the wait the server asked for in ms, or -1 for none */
static gint64
parse_retry_after (SoupMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                    "Retry-After");
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GDateTime) now = NULL;
  guint64 seconds;

  if (value == NULL)
    return -1;

  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &seconds, NULL))
    return (gint64) MIN (seconds, RETRY_AFTER_CAP_S) * 1000;

  date = soup_date_time_new_from_http_string (value);
  if (date == NULL)
    return -1;

  now = g_date_time_new_now_utc ();
  return CLAMP (g_date_time_difference (date, now) / 1000, 0, RETRY_AFTER_CAP_S * 1000);
}

static void
report_batch_rejections (FwSim      *self,
                         JsonObject *batch)
{
  const char *sensor = get_string (batch, "sensor");
  gint64 n = get_int (batch, "rejected", 0);
  const char *error = get_string (batch, "error");
  JsonNode *errors = json_object_get_member (batch, "errors");
  g_autoptr(GHashTable) reasons = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (n <= 0)
    return;

  if (error != NULL || errors == NULL || !JSON_NODE_HOLDS_ARRAY (errors))
    {
      g_signal_emit (self, signals[REJECTED], 0,
                     sensor, (guint) n, error != NULL ? error : "unknown");
      return;
    }

  /* One report per reason, not one per reading. */
  reasons = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (errors)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (errors), i);
      const char *reason;
      guint count;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      reason = get_string (json_node_get_object (node), "reason");
      if (reason == NULL)
        reason = "unknown";
      count = GPOINTER_TO_UINT (g_hash_table_lookup (reasons, reason));
      g_hash_table_insert (reasons, (gpointer) reason, GUINT_TO_POINTER (count + 1));
    }

  if (g_hash_table_size (reasons) == 0)
    g_hash_table_insert (reasons, (gpointer) "unknown", GUINT_TO_POINTER ((guint) n));

  g_hash_table_iter_init (&iter, reasons);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_signal_emit (self, signals[REJECTED], 0, sensor, GPOINTER_TO_UINT (value), key);
}

static void
handle_ingest_answer (FwSim  *self,
                      GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;
  JsonNode *batches;

  /* A 2xx means the server has the readings; an answer we cannot read
   * only costs us the details. */
  if (bytes == NULL
      || !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                      g_bytes_get_size (bytes), NULL)
      || (root = json_parser_get_root (parser)) == NULL
      || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_debug ("Ingest answer without a readable body");
      return;
    }

  object = json_node_get_object (root);
  self->accepted += MAX (0, get_int (object, "accepted", 0));
  self->rejected += MAX (0, get_int (object, "rejected", 0));

  batches = json_object_get_member (object, "batches");
  if (batches == NULL || !JSON_NODE_HOLDS_ARRAY (batches))
    return;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (batches)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (batches), i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        report_batch_rejections (self, json_node_get_object (node));
    }
}

/* Splits a request the server found too large into two, and makes every
 * later request no bigger than these halves. */
static gboolean
split_request (Request *request)
{
  FwSim *self = request->self;
  g_autoptr(GArray) first = g_array_new (FALSE, FALSE, sizeof (Chunk));
  g_autoptr(GArray) second = g_array_new (FALSE, FALSE, sizeof (Chunk));
  GArray *chunks = request->chunks;
  Request *a, *b;

  if (request->n_slots <= 1)
    return FALSE;

  if (chunks->len >= 2)
    {
      g_array_append_vals (first, chunks->data, chunks->len / 2);
      g_array_append_vals (second, &g_array_index (chunks, Chunk, chunks->len / 2),
                           chunks->len - chunks->len / 2);
    }
  else
    {
      const Chunk *whole = &g_array_index (chunks, Chunk, 0);
      FwSimSensor *sensor = g_ptr_array_index (self->sensors, whole->sensor);
      Chunk head = { whole->sensor, whole->start, whole->n_slots / 2 };
      Chunk tail = { whole->sensor, whole->start + (FwTime) head.n_slots * sensor->interval,
                     whole->n_slots - head.n_slots };

      g_array_append_val (first, head);
      g_array_append_val (second, tail);
    }

  self->request_limit = MAX (1, MIN (self->request_limit, request->n_slots / 2));

  a = request_new (self, TRUE, first);
  b = request_new (self, TRUE, second);
  g_queue_push_head (&self->redo, b);
  g_queue_push_head (&self->redo, a);

  return TRUE;
}

static gboolean resolve_faults (FwSim *self, GError **error);
static void     start_backfill (FwSim *self);

static gboolean
load_device (FwSim   *self,
             GBytes  *bytes,
             GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root, *sensors;
  JsonArray *array;
  guint skipped = 0;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   &parse_error))
    {
      g_set_error (error, FW_SIM_ERROR, FW_SIM_ERROR_PROTOCOL,
                   _("The server’s description of this device is not JSON: %s"),
                   parse_error->message);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || (sensors = json_object_get_member (json_node_get_object (root), "sensors")) == NULL
      || !JSON_NODE_HOLDS_ARRAY (sensors))
    {
      g_set_error_literal (error, FW_SIM_ERROR, FW_SIM_ERROR_PROTOCOL,
                           _("The server’s description of this device has no list of sensors"));
      return FALSE;
    }

  array = json_node_get_array (sensors);
  g_ptr_array_set_size (self->sensors, 0);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      const char *id, *unit_id, *unit_kind, *parameter_id;
      FwUnitKind kind = FW_UNIT_KIND_POND;
      FwParameter parameter;
      gint64 interval;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, FW_SIM_ERROR, FW_SIM_ERROR_PROTOCOL,
                       _("Sensor %u in the server’s description of this device is not an object"),
                       i);
          return FALSE;
        }

      object = json_node_get_object (node);
      id = get_string (object, "id");
      if (id == NULL || *id == '\0')
        {
          g_set_error (error, FW_SIM_ERROR, FW_SIM_ERROR_PROTOCOL,
                       _("Sensor %u in the server’s description of this device has no id"), i);
          return FALSE;
        }

      /* A parameter this simulator has no water for is left to a real
       * probe; an unknown kind of unit is simulated as a pond. */
      parameter_id = get_string (object, "parameter");
      if (parameter_id == NULL || !fw_parameter_from_id (parameter_id, &parameter))
        {
          g_debug ("Skipping sensor %s: no model for parameter %s", id, parameter_id);
          skipped++;
          continue;
        }

      unit_kind = get_string (object, "unit_kind");
      if (unit_kind != NULL)
        fw_unit_kind_from_id (unit_kind, &kind);

      unit_id = get_string (object, "unit_id");
      interval = get_int (object, "interval", FW_POND_DEFAULT_INTERVAL);
      if (interval <= 0 || interval > 86400)
        interval = FW_POND_DEFAULT_INTERVAL;

      g_ptr_array_add (self->sensors,
                       fw_sim_sensor_new (id, unit_id != NULL ? unit_id : id,
                                          get_string (object, "unit_name"), kind, parameter,
                                          (guint) interval, self->seed));
    }

  if (self->sensors->len == 0)
    {
      if (skipped > 0)
        g_set_error (error, FW_SIM_ERROR, FW_SIM_ERROR_NO_SENSORS,
                     _("None of this device’s %u sensors measures a parameter the simulator knows"),
                     skipped);
      else
        g_set_error_literal (error, FW_SIM_ERROR, FW_SIM_ERROR_NO_SENSORS,
                             _("The server lists no sensors for this device: add some to it first"));
      return FALSE;
    }

  return TRUE;
}

static void
request_sent_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Request *request = user_data;
  FwSim *self = request->self;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                               &error);
  g_autofree char *why = NULL;
  guint status;
  gint64 wait;

  if (!request_is_current (request))
    {
      request_free (request);
      return;
    }

  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* The run's cancellable source finishes the run. */
          request_free (request);
          return;
        }

      why = g_strdup_printf (_("Cannot reach the server: %s"), error->message);
      schedule_retry (request, backoff_ms (request->attempt), why);
      return;
    }

  status = soup_message_get_status (msg);

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      if (!request->is_ingest)
        {
          g_autoptr(GError) load_error = NULL;

          request_free (request);
          if (!load_device (self, bytes, &load_error) || !resolve_faults (self, &load_error))
            finish_run (self, g_steal_pointer (&load_error));
          else
            start_backfill (self);
          return;
        }

      self->pushed += request->n_values;
      self->requests++;
      handle_ingest_answer (self, bytes);
      notify_counters (self);

      self->n_in_flight--;
      request_free (request);
      pump (self);
      return;
    }

  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
      why = describe_error_body (msg, bytes);
      request_free (request);
      finish_run (self, g_error_new (FW_SIM_ERROR, FW_SIM_ERROR_UNAUTHORIZED,
                                     _("The server refused the device token: %s"), why));
      return;

    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
      if (request->is_ingest && split_request (request))
        {
          why = g_strdup_printf (_("The server found a request of %u readings too large; "
                                   "sending it in halves"),
                                 request->n_slots);
          g_signal_emit (self, signals[RETRYING], 0, why, 0.0);
          self->n_in_flight--;
          request_free (request);
          pump (self);
          return;
        }
      break;

    case HTTP_TOO_MANY_REQUESTS:
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      wait = parse_retry_after (msg);
      why = g_strdup_printf (_("The server is busy (HTTP %u)"), status);
      schedule_retry (request, wait >= 0 ? (guint) wait : backoff_ms (request->attempt), why);
      return;

    default:
      if (status >= 500 || status == SOUP_STATUS_REQUEST_TIMEOUT)
        {
          g_autofree char *body = describe_error_body (msg, bytes);

          why = g_strdup_printf (_("The server failed (HTTP %u): %s"), status, body);
          schedule_retry (request, backoff_ms (request->attempt), why);
          return;
        }
      break;
    }

  why = describe_error_body (msg, bytes);
  request_free (request);
  finish_run (self, g_error_new (FW_SIM_ERROR, FW_SIM_ERROR_REFUSED,
                                 _("The server refused the request (HTTP %u): %s"), status, why));
}

static void
send_request (Request *request)
{
  FwSim *self = request->self;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", self->token);
  SoupMessageHeaders *headers;

  if (request->is_ingest)
    {
      msg = soup_message_new_from_uri (SOUP_METHOD_POST, self->ingest_uri);
      soup_message_set_request_body_from_bytes (msg, "application/json", request->body);
    }
  else
    {
      msg = soup_message_new_from_uri (SOUP_METHOD_GET, self->device_uri);
    }

  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Authorization", authorization);
  soup_message_headers_replace (headers, "Accept", "application/json");

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, self->cancellable,
                                    request_sent_cb, request);
}

static gboolean
resolve_faults (FwSim   *self,
                GError **error)
{
  for (guint f = 0; f < self->faults->len; f++)
    {
      const FwSimFault *fault = g_ptr_array_index (self->faults, f);
      FwTime start = self->anchor + fault->start;
      FwTime end = fault->end == FW_SIM_FAULT_OPEN_END
                   ? FW_SIM_FAULT_OPEN_END
                   : self->anchor + fault->end;
      gboolean matched = FALSE;

      if (fault->kind == FW_SIM_FAULT_OXYGEN_CRASH)
        {
          /* The water of a unit crashes: every oxygen and pH probe in it
           * sees the crash, whichever of its names or sensors was given. */
          g_autoptr(GHashTable) units = g_hash_table_new (g_str_hash, g_str_equal);
          gboolean has_oxygen = FALSE;

          for (guint i = 0; i < self->sensors->len; i++)
            {
              FwSimSensor *sensor = g_ptr_array_index (self->sensors, i);

              if (g_str_equal (fault->target, sensor->id)
                  || g_str_equal (fault->target, sensor->unit_id)
                  || g_ascii_strcasecmp (fault->target, sensor->unit_name) == 0)
                g_hash_table_add (units, sensor->unit_id);
            }

          for (guint i = 0; i < self->sensors->len; i++)
            {
              FwSimSensor *sensor = g_ptr_array_index (self->sensors, i);

              if (!g_hash_table_contains (units, sensor->unit_id))
                continue;

              matched = TRUE;
              if (sensor->parameter == FW_PARAMETER_DISSOLVED_OXYGEN
                  || sensor->parameter == FW_PARAMETER_PH)
                fw_sim_sensor_add_fault (sensor, fault->kind, start, end);
              has_oxygen |= sensor->parameter == FW_PARAMETER_DISSOLVED_OXYGEN;
            }

          if (matched && !has_oxygen)
            {
              g_set_error (error, FW_SIM_ERROR, FW_SIM_ERROR_INVALID_ARGUMENT,
                           _("Unit “%s” has no dissolved oxygen sensor for an oxygen crash"),
                           fault->target);
              return FALSE;
            }
        }
      else
        {
          for (guint i = 0; i < self->sensors->len; i++)
            {
              FwSimSensor *sensor = g_ptr_array_index (self->sensors, i);

              if (fw_sim_sensor_matches (sensor, fault))
                {
                  fw_sim_sensor_add_fault (sensor, fault->kind, start, end);
                  matched = TRUE;
                }
            }
        }

      if (!matched)
        {
          g_set_error (error, FW_SIM_ERROR, FW_SIM_ERROR_INVALID_ARGUMENT,
                       _("No sensor of this device matches the %s fault’s target “%s%s%s”"),
                       fw_sim_fault_kind_to_id (fault->kind), fault->target,
                       fault->has_parameter ? "/" : "",
                       fault->has_parameter ? fw_parameter_to_id (fault->parameter) : "");
          return FALSE;
        }
    }

  return TRUE;
}

static void
start_backfill (FwSim *self)
{
  g_array_set_size (self->cursors, self->sensors->len);
  g_array_set_size (self->firsts, self->sensors->len);

  for (guint i = 0; i < self->sensors->len; i++)
    {
      FwSimSensor *sensor = g_ptr_array_index (self->sensors, i);
      FwTime first = align_up (self->anchor - self->backfill, sensor->interval);

      g_array_index (self->cursors, FwTime, i) = first;
      g_array_index (self->firsts, FwTime, i) = first;
    }

  self->phase = PHASE_BACKFILL;
  self->pack_index = 0;
  self->target = self->anchor;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIMULATED_TIME]);

  pump (self);
}

static gboolean
run_cancelled_cb (GCancellable *cancellable,
                  gpointer      user_data)
{
  FwSim *self = user_data;
  GError *error = NULL;

  if (!g_cancellable_set_error_if_cancelled (self->caller_cancellable, &error))
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("The simulator was cancelled"));

  finish_run (self, error);
  return G_SOURCE_REMOVE;
}

/* May run in any thread: cancelling is thread-safe, and the run's own
 * cancellable source finishes the run in its context. */
static void
caller_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
stop_idle_cb (gpointer user_data)
{
  FwSim *self = user_data;

  clear_source (&self->idle_source);

  if (self->phase == PHASE_DEVICE)
    finish_run (self, NULL);
  else
    pump (self);

  return G_SOURCE_REMOVE;
}

static void
fw_sim_dispose (GObject *object)
{
  FwSim *self = (FwSim *) object;

  /* A run holds a reference through its task, so none is going on. */
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->sensors, g_ptr_array_unref);

  G_OBJECT_CLASS (fw_sim_parent_class)->dispose (object);
}

static void
fw_sim_finalize (GObject *object)
{
  FwSim *self = (FwSim *) object;

  g_free (self->server_url);
  g_free (self->token);
  g_clear_pointer (&self->device_uri, g_uri_unref);
  g_clear_pointer (&self->ingest_uri, g_uri_unref);
  g_ptr_array_unref (self->faults);
  g_ptr_array_unref (self->waiting);
  g_array_unref (self->cursors);
  g_array_unref (self->firsts);

  G_OBJECT_CLASS (fw_sim_parent_class)->finalize (object);
}

static void
fw_sim_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  FwSim *self = FW_SIM (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_BACKFILL:
      g_value_set_int64 (value, self->backfill);
      break;
    case PROP_SPEED:
      g_value_set_double (value, self->speed);
      break;
    case PROP_DURATION:
      g_value_set_int64 (value, self->duration);
      break;
    case PROP_PUSH_EVERY:
      g_value_set_uint (value, self->push_every);
      break;
    case PROP_SEED:
      g_value_set_uint64 (value, self->seed);
      break;
    case PROP_NOW:
      g_value_set_int64 (value, self->now);
      break;
    case PROP_READINGS_PER_REQUEST:
      g_value_set_uint (value, self->readings_per_request);
      break;
    case PROP_SENSORS_PER_REQUEST:
      g_value_set_uint (value, self->sensors_per_request);
      break;
    case PROP_CONCURRENCY:
      g_value_set_uint (value, self->concurrency);
      break;
    case PROP_SIMULATED_TIME:
      g_value_set_int64 (value, fw_sim_get_simulated_time (self));
      break;
    case PROP_PUSHED:
      g_value_set_uint64 (value, self->pushed);
      break;
    case PROP_ACCEPTED:
      g_value_set_uint64 (value, self->accepted);
      break;
    case PROP_REJECTED:
      g_value_set_uint64 (value, self->rejected);
      break;
    case PROP_REQUESTS:
      g_value_set_uint64 (value, self->requests);
      break;
    case PROP_RETRIES:
      g_value_set_uint64 (value, self->retries);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_sim_set_property (GObject      *object,
                     guint         prop_id,
                     const GValue *value,
                     GParamSpec   *pspec)
{
  FwSim *self = FW_SIM (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      self->server_url = g_value_dup_string (value);
      break;
    case PROP_TOKEN:
      self->token = g_value_dup_string (value);
      break;
    case PROP_BACKFILL:
      fw_sim_set_backfill (self, g_value_get_int64 (value));
      break;
    case PROP_SPEED:
      fw_sim_set_speed (self, g_value_get_double (value));
      break;
    case PROP_DURATION:
      fw_sim_set_duration (self, g_value_get_int64 (value));
      break;
    case PROP_PUSH_EVERY:
      fw_sim_set_push_every (self, g_value_get_uint (value));
      break;
    case PROP_SEED:
      fw_sim_set_seed (self, g_value_get_uint64 (value));
      break;
    case PROP_NOW:
      fw_sim_set_now (self, g_value_get_int64 (value));
      break;
    case PROP_READINGS_PER_REQUEST:
      fw_sim_set_readings_per_request (self, g_value_get_uint (value));
      break;
    case PROP_SENSORS_PER_REQUEST:
      fw_sim_set_sensors_per_request (self, g_value_get_uint (value));
      break;
    case PROP_CONCURRENCY:
      fw_sim_set_concurrency (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_sim_class_init (FwSimClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fw_sim_dispose;
  object_class->finalize = fw_sim_finalize;
  object_class->get_property = fw_sim_get_property;
  object_class->set_property = fw_sim_set_property;

  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Write-only: a token read back out of an object ends up in logs. */
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BACKFILL] =
    g_param_spec_int64 ("backfill", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPEED] =
    g_param_spec_double ("speed", NULL, NULL, 1e-6, 1e9, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DURATION] =
    g_param_spec_int64 ("duration", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PUSH_EVERY] =
    g_param_spec_uint ("push-every", NULL, NULL, 1, G_MAXUINT, FW_SIM_DEFAULT_PUSH_EVERY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEED] =
    g_param_spec_uint64 ("seed", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOW] =
    g_param_spec_int64 ("now", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_READINGS_PER_REQUEST] =
    g_param_spec_uint ("readings-per-request", NULL, NULL,
                       1, G_MAXUINT, FW_SIM_MAX_READINGS_PER_REQUEST,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SENSORS_PER_REQUEST] =
    g_param_spec_uint ("sensors-per-request", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONCURRENCY] =
    g_param_spec_uint ("concurrency", NULL, NULL, 1, 64, FW_SIM_DEFAULT_CONCURRENCY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIMULATED_TIME] =
    g_param_spec_int64 ("simulated-time", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PUSHED] =
    g_param_spec_uint64 ("pushed", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCEPTED] =
    g_param_spec_uint64 ("accepted", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REJECTED] =
    g_param_spec_uint64 ("rejected", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REQUESTS] =
    g_param_spec_uint64 ("requests", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RETRIES] =
    g_param_spec_uint64 ("retries", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FwSim::retrying:
   * @message: what went wrong
   * @seconds: how long until the next try
   *
   * A request failed in a way that is worth trying again; nothing is lost.
   */
  signals[RETRYING] =
    g_signal_new ("retrying", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_DOUBLE);

  /**
   * FwSim::rejected:
   * @sensor: the sensor's id
   * @count: how many of its readings the server rejected
   * @reason: the server's reason, such as "out_of_range"
   */
  signals[REJECTED] =
    g_signal_new ("rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING);
}

static void
fw_sim_init (FwSim *self)
{
  self->speed = 1.0;
  self->duration = -1;
  self->push_every = FW_SIM_DEFAULT_PUSH_EVERY;
  self->readings_per_request = FW_SIM_MAX_READINGS_PER_REQUEST;
  self->concurrency = FW_SIM_DEFAULT_CONCURRENCY;
  self->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_sim_fault_free);
  self->waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  self->sensors = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_sim_sensor_free);
  self->cursors = g_array_new (FALSE, TRUE, sizeof (FwTime));
  self->firsts = g_array_new (FALSE, TRUE, sizeof (FwTime));
  g_queue_init (&self->redo);
}

/**
 * fw_sim_new:
 * @server_url: the backend's base URL, such as "https://fishwatch.example"
 * @token: the device's bearer token
 *
 * Returns: (transfer full): a simulator with the default options
 */
FwSim *
fw_sim_new (const char *server_url,
            const char *token)
{
  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (token != NULL, NULL);

  return g_object_new (FW_TYPE_SIM, "server-url", server_url, "token", token, NULL);
}

const char *
fw_sim_get_server_url (FwSim *self)
{
  g_return_val_if_fail (FW_IS_SIM (self), NULL);

  return self->server_url;
}

FwTime
fw_sim_get_backfill (FwSim *self)
{
  g_return_val_if_fail (FW_IS_SIM (self), 0);

  return self->backfill;
}

/**
 * fw_sim_set_backfill:
 * @seconds: how much history to push before streaming, 0 for none
 */
void
fw_sim_set_backfill (FwSim  *self,
                     FwTime  seconds)
{
  g_return_if_fail (FW_IS_SIM (self));
  g_return_if_fail (seconds >= 0);

  if (self->backfill == seconds)
    return;

  self->backfill = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKFILL]);
}

double
fw_sim_get_speed (FwSim *self)
{
  g_return_val_if_fail (FW_IS_SIM (self), 1.0);

  return self->speed;
}

/**
 * fw_sim_set_speed:
 * @speed: simulated seconds per real second while streaming
 *
 * Above 1, with a duration and the real clock, the streamed span is moved
 * back so that it ends at the present: a server refuses readings from the
 * future, so a run at speed ends where a realtime run would be.
 */
void
fw_sim_set_speed (FwSim  *self,
                  double  speed)
{
  g_return_if_fail (FW_IS_SIM (self));
  g_return_if_fail (speed > 0);

  if (self->speed == speed)
    return;

  self->speed = speed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
}

gint64
fw_sim_get_duration (FwSim *self)
{
  g_return_val_if_fail (FW_IS_SIM (self), -1);

  return self->duration;
}

/**
 * fw_sim_set_duration:
 * @seconds: how much simulated time to stream, 0 for none (backfill
 *   only), -1 until fw_sim_stop()
 */
void
fw_sim_set_duration (FwSim  *self,
                     gint64  seconds)
{
  g_return_if_fail (FW_IS_SIM (self));
  g_return_if_fail (seconds >= -1);

  if (self->duration == seconds)
    return;

  self->duration = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
}

guint
fw_sim_get_push_every (FwSim *self)
{
  g_return_val_if_fail (FW_IS_SIM (self), FW_SIM_DEFAULT_PUSH_EVERY);

  return self->push_every;
}

/**
 * fw_sim_set_push_every:
 * @seconds: simulated seconds between pushes while streaming
 */
void
fw_sim_set_push_every (FwSim *self,
                       guint  seconds)
{
  g_return_if_fail (FW_IS_SIM (self));
  g_return_if_fail (seconds > 0);

  if (self->push_every == seconds)
    return;

  self->push_every = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PUSH_EVERY]);
}

guint64
fw_sim_get_seed (FwSim *self)
{
  g_return_val_if_fail (FW_IS_SIM (self), 0);

  return self->seed;
}

/**
 * fw_sim_set_seed:
 * @seed: 0 for the water every default run shares, anything else for
 *   other water from the same physics
 */
void
fw_sim_set_seed (FwSim   *self,
                 guint64  seed)
{
  g_return_if_fail (FW_IS_SIM (self));

  if (self->seed == seed)
    return;

  self->seed = seed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEED]);
}

FwTime
fw_sim_get_now (FwSim *self)
{
  g_return_val_if_fail (FW_IS_SIM (self), 0);

  return self->now;
}

/**
 * fw_sim_set_now:
 * @now: the time the run takes as its start, or 0 for the clock's
 *
 * With a fixed start a run is reproducible to the reading.
 */
void
fw_sim_set_now (FwSim  *self,
                FwTime  now)
{
  g_return_if_fail (FW_IS_SIM (self));
  g_return_if_fail (now >= 0);

  if (self->now == now)
    return;

  self->now = now;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOW]);
}

guint
fw_sim_get_readings_per_request (FwSim *self)
{
  g_return_val_if_fail (FW_IS_SIM (self), FW_SIM_MAX_READINGS_PER_REQUEST);

  return self->readings_per_request;
}

/**
 * fw_sim_set_readings_per_request:
 * @readings: the most readings (nulls included) one request carries
 */
void
fw_sim_set_readings_per_request (FwSim *self,
                                 guint  readings)
{
  g_return_if_fail (FW_IS_SIM (self));
  g_return_if_fail (readings > 0);

  if (self->readings_per_request == readings)
    return;

  self->readings_per_request = readings;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READINGS_PER_REQUEST]);
}

guint
fw_sim_get_sensors_per_request (FwSim *self)
{
  g_return_val_if_fail (FW_IS_SIM (self), 0);

  return self->sensors_per_request;
}

/**
 * fw_sim_set_sensors_per_request:
 * @sensors: how many sensors share one request, each with an equal part
 *   of it; 0 packs whole histories, one sensor after another
 */
void
fw_sim_set_sensors_per_request (FwSim *self,
                                guint  sensors)
{
  g_return_if_fail (FW_IS_SIM (self));

  if (self->sensors_per_request == sensors)
    return;

  self->sensors_per_request = sensors;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SENSORS_PER_REQUEST]);
}

guint
fw_sim_get_concurrency (FwSim *self)
{
  g_return_val_if_fail (FW_IS_SIM (self), FW_SIM_DEFAULT_CONCURRENCY);

  return self->concurrency;
}

/**
 * fw_sim_set_concurrency:
 * @requests: how many requests may be on their way at once, from 1 to 64
 */
void
fw_sim_set_concurrency (FwSim *self,
                        guint  requests)
{
  g_return_if_fail (FW_IS_SIM (self));
  g_return_if_fail (requests >= 1 && requests <= 64);

  if (self->concurrency == requests)
    return;

  self->concurrency = requests;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONCURRENCY]);
}

/**
 * fw_sim_add_fault:
 * @spec: KIND:TARGET[@START[..END]], see fw-sim-fault.c
 *
 * Adds a fault to the next runs. Its target is matched against the
 * device's sensors when a run starts.
 *
 * Returns: whether @spec is a fault
 */
gboolean
fw_sim_add_fault (FwSim       *self,
                  const char  *spec,
                  GError     **error)
{
  FwSimFault *fault;

  g_return_val_if_fail (FW_IS_SIM (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  fault = fw_sim_fault_parse (spec, error);
  if (fault == NULL)
    return FALSE;

  g_ptr_array_add (self->faults, fault);
  return TRUE;
}

static gboolean
parse_server_url (FwSim   *self,
                  GError **error)
{
  g_autoptr(GUri) base = NULL;
  g_autofree char *trimmed = g_strdup (self->server_url);
  g_autofree char *directory = NULL;
  const char *scheme;

  /* "https://host/" and "https://host" mean the same server, and a server
   * behind a path ("https://host/fishwatch") keeps it: the API lies
   * below the URL as a directory. */
  while (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';
  directory = g_strconcat (trimmed, "/", NULL);

  base = g_uri_parse (directory, SOUP_HTTP_URI_FLAGS, NULL);
  scheme = base != NULL ? g_uri_get_scheme (base) : NULL;
  if (base == NULL || g_uri_get_host (base) == NULL
      || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    {
      g_set_error (error, FW_SIM_ERROR, FW_SIM_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not the URL of a server: write it like https://fishwatch.example"),
                   self->server_url);
      return FALSE;
    }

  g_clear_pointer (&self->device_uri, g_uri_unref);
  g_clear_pointer (&self->ingest_uri, g_uri_unref);
  self->device_uri = g_uri_parse_relative (base, "api/v1/devices/self", SOUP_HTTP_URI_FLAGS, NULL);
  self->ingest_uri = g_uri_parse_relative (base, "api/v1/ingest", SOUP_HTTP_URI_FLAGS, NULL);

  return self->device_uri != NULL && self->ingest_uri != NULL;
}

/**
 * fw_sim_run_async:
 *
 * Reads the device's sensors from the server, pushes the backfill and
 * streams until the duration is over or fw_sim_stop() is called.
 * Cancelling @cancellable abandons what is not yet sent.
 */
void
fw_sim_run_async (FwSim               *self,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *user_agent = NULL;
  FwTime real_now;
  Request *request;

  g_return_if_fail (FW_IS_SIM (self));
  g_return_if_fail (self->task == NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fw_sim_run_async);

  if (!parse_server_url (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->task = g_steal_pointer (&task);
  self->run_serial++;
  self->phase = PHASE_DEVICE;
  self->stopping = FALSE;
  self->n_in_flight = 0;
  self->request_limit = MIN (self->readings_per_request, MAX_BODY_READINGS);
  self->pushed = self->accepted = self->rejected = self->requests = self->retries = 0;
  self->run_started = g_get_monotonic_time ();
  self->run_finished = 0;
  self->stream_end = G_MAXINT64;
  g_array_set_size (self->cursors, 0);
  g_array_set_size (self->firsts, 0);
  notify_counters (self);

  real_now = self->now != 0 ? self->now : g_get_real_time () / G_USEC_PER_SEC;
  self->wall_clock = self->now == 0 && self->speed == 1.0;
  self->anchor = real_now;
  if (self->now == 0 && self->speed > 1.0 && self->duration > 0)
    self->anchor = real_now - (FwTime) ceil (self->duration * (1.0 - 1.0 / self->speed));
  self->target = self->anchor;

  g_clear_object (&self->session);
  user_agent = g_strdup_printf ("fishwatch-sim/%s", PACKAGE_VERSION);
  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "timeout", 120,
                                                 "max-conns-per-host", self->concurrency + 1,
                                                 "max-conns", self->concurrency + 1,
                                                 NULL);

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->cancelled_source = attach_source (self, g_cancellable_source_new (self->cancellable),
                                          G_SOURCE_FUNC (run_cancelled_cb), self);
  if (cancellable != NULL)
    {
      self->caller_cancellable = g_object_ref (cancellable);
      self->caller_cancelled_id = g_cancellable_connect (cancellable,
                                                         G_CALLBACK (caller_cancelled_cb),
                                                         g_object_ref (self->cancellable),
                                                         g_object_unref);
    }

  request = request_new (self, FALSE, NULL);
  send_request (request);
}

gboolean
fw_sim_run_finish (FwSim         *self,
                   GAsyncResult  *result,
                   GError       **error)
{
  g_return_val_if_fail (FW_IS_SIM (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fw_sim_run_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * fw_sim_stop:
 *
 * Ends the run cleanly: no new history is generated, what is due is sent,
 * and the run finishes once the server has it all. Safe to call from a
 * signal source.
 */
void
fw_sim_stop (FwSim *self)
{
  g_return_if_fail (FW_IS_SIM (self));

  if (self->task == NULL || self->stopping)
    return;

  self->stopping = TRUE;

  if (self->phase == PHASE_STREAM)
    {
      advance_target (self, clock_now (self));
      clear_source (&self->tick_source);
    }

  /* Not from here: the caller may be in the middle of something that a
   * finished run would pull away from under it. */
  if (self->idle_source == NULL)
    self->idle_source = attach_source (self, g_idle_source_new (), stop_idle_cb, self);
}

/**
 * fw_sim_get_backfill_progress:
 *
 * Returns: how much of the backfill has been generated, from 0 to 1
 */
double
fw_sim_get_backfill_progress (FwSim *self)
{
  double done = 0, total = 0;

  g_return_val_if_fail (FW_IS_SIM (self), 0);

  if (self->phase == PHASE_STREAM || (self->phase == PHASE_DONE && self->cursors->len > 0))
    return 1.0;

  for (guint i = 0; i < self->cursors->len; i++)
    {
      FwTime first = g_array_index (self->firsts, FwTime, i);
      FwTime next = g_array_index (self->cursors, FwTime, i);

      done += MIN (next, self->anchor + 1) - first;
      total += self->anchor + 1 - first;
    }

  return total > 0 ? CLAMP (done / total, 0.0, 1.0) : 0.0;
}

guint
fw_sim_get_n_sensors (FwSim *self)
{
  g_return_val_if_fail (FW_IS_SIM (self), 0);

  return self->sensors != NULL ? self->sensors->len : 0;
}

/**
 * fw_sim_get_simulated_time:
 *
 * Returns: the time up to which readings are due: the start during the
 *   backfill, then the simulated clock
 */
FwTime
fw_sim_get_simulated_time (FwSim *self)
{
  g_return_val_if_fail (FW_IS_SIM (self), 0);

  return self->target;
}

/**
 * fw_sim_get_pushed:
 *
 * Returns: how many readings (not counting nulls) the server has taken
 *   delivery of in this run, accepted or rejected
 */
guint64
fw_sim_get_pushed (FwSim *self)
{
  g_return_val_if_fail (FW_IS_SIM (self), 0);

  return self->pushed;
}

guint64
fw_sim_get_accepted (FwSim *self)
{
  g_return_val_if_fail (FW_IS_SIM (self), 0);

  return self->accepted;
}

guint64
fw_sim_get_rejected (FwSim *self)
{
  g_return_val_if_fail (FW_IS_SIM (self), 0);

  return self->rejected;
}

/**
 * fw_sim_get_requests:
 *
 * Returns: how many ingest requests the server has accepted in this run
 */
guint64
fw_sim_get_requests (FwSim *self)
{
  g_return_val_if_fail (FW_IS_SIM (self), 0);

  return self->requests;
}

guint64
fw_sim_get_retries (FwSim *self)
{
  g_return_val_if_fail (FW_IS_SIM (self), 0);

  return self->retries;
}

/**
 * fw_sim_get_elapsed:
 *
 * Returns: seconds of real time the run has taken so far, or took
 */
double
fw_sim_get_elapsed (FwSim *self)
{
  gint64 end;

  g_return_val_if_fail (FW_IS_SIM (self), 0);

  if (self->run_started == 0)
    return 0;

  end = self->run_finished != 0 ? self->run_finished : g_get_monotonic_time ();
  return (end - self->run_started) / (double) G_USEC_PER_SEC;
}
