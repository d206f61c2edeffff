/* test-sim.c — the sensor simulator against a fake ingest API on loopback
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fake backend answers like the real one's contract: the device's
 * sensors at /api/v1/devices/self, readings at /api/v1/ingest with its
 * limits, and on demand the failures a gateway has to live through. It
 * records every reading it takes, so a test sees exactly what arrived.
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "fw-core.h"
#include "fw-sim.h"
#include "fw-sim-fault.h"
#include "fw-sim-sensor.h"
#include "fw-test-util.h"

#define TOKEN "device-token-for-tests"

/* 2026-04-15 18:00 UTC, noon of the model's sun: a spring day, so that a
 * pond's oxygen stays well clear of a crash's lows on a normal night. */
#define NOW G_GINT64_CONSTANT (1776276000)
#define DAY 86400

typedef struct
{
  const char *id;
  const char *unit_id;
  const char *unit_name;
  FwUnitKind  kind;
  FwParameter parameter;
  guint       interval;
} FakeSensor;

static const FakeSensor farm_sensors[] = {
  { "0b6c1a52-0000-4000-8000-000000000001", "5e0c0000-0000-4000-8000-0000000000a1", "Pond 1",
    FW_UNIT_KIND_POND, FW_PARAMETER_DISSOLVED_OXYGEN, 300 },
  { "0b6c1a52-0000-4000-8000-000000000002", "5e0c0000-0000-4000-8000-0000000000a1", "Pond 1",
    FW_UNIT_KIND_POND, FW_PARAMETER_TEMPERATURE, 300 },
  { "0b6c1a52-0000-4000-8000-000000000003", "5e0c0000-0000-4000-8000-0000000000a1", "Pond 1",
    FW_UNIT_KIND_POND, FW_PARAMETER_PH, 300 },
  { "0b6c1a52-0000-4000-8000-000000000004", "5e0c0000-0000-4000-8000-0000000000b1", "Tank A1",
    FW_UNIT_KIND_TANK, FW_PARAMETER_DISSOLVED_OXYGEN, 300 },
  { "0b6c1a52-0000-4000-8000-000000000005", "5e0c0000-0000-4000-8000-0000000000c1", "Raceway 1",
    FW_UNIT_KIND_RACEWAY, FW_PARAMETER_PH, 600 },
  { "0b6c1a52-0000-4000-8000-000000000006", "5e0c0000-0000-4000-8000-0000000000d1", "Cage 3",
    FW_UNIT_KIND_CAGE, FW_PARAMETER_TURBIDITY, 900 },
};

#define POND_DO 0
#define POND_TEMPERATURE 1
#define POND_PH 2
#define TANK_DO 3

/* Four one-minute probes: a month of them does not fit one request. */
static const FakeSensor busy_sensors[] = {
  { "7a000000-0000-4000-8000-000000000001", "7a000000-0000-4000-8000-0000000000a1", "Tank B1",
    FW_UNIT_KIND_TANK, FW_PARAMETER_DISSOLVED_OXYGEN, 60 },
  { "7a000000-0000-4000-8000-000000000002", "7a000000-0000-4000-8000-0000000000a1", "Tank B1",
    FW_UNIT_KIND_TANK, FW_PARAMETER_TEMPERATURE, 60 },
  { "7a000000-0000-4000-8000-000000000003", "7a000000-0000-4000-8000-0000000000a2", "Tank B2",
    FW_UNIT_KIND_TANK, FW_PARAMETER_TOTAL_AMMONIA, 60 },
  { "7a000000-0000-4000-8000-000000000004", "7a000000-0000-4000-8000-0000000000a2", "Tank B2",
    FW_UNIT_KIND_TANK, FW_PARAMETER_NITRITE, 60 },
};

typedef struct
{
  SoupServer       *server;
  char             *url;
  const FakeSensor *sensors;
  guint             n_sensors;

  /* What to do wrong, and how often. */
  guint             busy_times;       /* 503 with Retry-After: 1 */
  guint             fail_times;       /* 500 */
  guint             too_large_above;  /* 413 above this many readings */
  guint             refuse_status;    /* this status for every ingest */

  /* What arrived. */
  GHashTable       *readings;         /* sensor id → (gint64 time → double) */
  guint             requests;
  guint             attempts;
  guint             duplicates;
  guint             nulls;
  guint             times_batches;
  guint             max_readings;
  guint             max_batches;
  gsize             max_body;
} FakeServer;

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const char        *code,
             const char        *message)
{
  g_autofree char *json = g_strdup_printf ("{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}",
                                           code, message);

  reply_json (msg, status, json);
}

static gboolean
authorized (SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");

  return g_strcmp0 (header, "Bearer " TOKEN) == 0;
}

static void
device_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  FakeServer *fake = user_data;
  g_autoptr(GString) json = g_string_new ("{\"device\":{\"id\":\"d0000000-0000-4000-8000-000000000001\","
                                          "\"farm_id\":\"f0000000-0000-4000-8000-000000000001\","
                                          "\"name\":\"Test gateway\"},\"sensors\":[");

  if (!authorized (msg))
    {
      reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "bad_token", "Unknown device token");
      return;
    }

  for (guint i = 0; i < fake->n_sensors; i++)
    {
      const FakeSensor *s = &fake->sensors[i];

      g_string_append_printf (json, "%s{\"id\":\"%s\",\"unit_id\":\"%s\",\"unit_name\":\"%s\","
                              "\"unit_kind\":\"%s\",\"species\":\"channel_catfish\","
                              "\"parameter\":\"%s\",\"interval\":%u}",
                              i > 0 ? "," : "", s->id, s->unit_id, s->unit_name,
                              fw_unit_kind_to_id (s->kind), fw_parameter_to_id (s->parameter), s->interval);
    }
  /* A parameter the simulator has no model for is skipped, not fatal. */
  g_string_append (json, ",{\"id\":\"e0000000-0000-4000-8000-000000000009\",\"unit_id\":\"x\","
                         "\"unit_name\":\"Pond 9\",\"unit_kind\":\"pond\",\"parameter\":\"chlorophyll\","
                         "\"interval\":300}]}");

  reply_json (msg, SOUP_STATUS_OK, json->str);
}

static gboolean
record_reading (FakeServer *fake,
                const char *sensor,
                gint64      time,
                JsonNode   *value)
{
  GHashTable *table = g_hash_table_lookup (fake->readings, sensor);

  if (JSON_NODE_HOLDS_NULL (value))
    {
      fake->nulls++;
      return TRUE;
    }

  g_assert_true (JSON_NODE_HOLDS_VALUE (value));

  if (table == NULL)
    {
      table = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
      g_hash_table_insert (fake->readings, g_strdup (sensor), table);
    }

  if (g_hash_table_contains (table, &time))
    {
      fake->duplicates++;
      return FALSE;
    }

  g_hash_table_insert (table, g_memdup2 (&time, sizeof time),
                       g_memdup2 (&(double) { json_node_get_double (value) }, sizeof (double)));
  return TRUE;
}

static gboolean
known_sensor (FakeServer *fake,
              const char *id)
{
  for (guint i = 0; i < fake->n_sensors; i++)
    if (g_str_equal (fake->sensors[i].id, id))
      return TRUE;

  return FALSE;
}

static void
ingest_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  FakeServer *fake = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) answer = g_string_new ("");
  JsonArray *batches;
  guint n_readings = 0, accepted = 0, rejected = 0;

  fake->attempts++;

  if (!authorized (msg))
    {
      reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "bad_token", "Unknown device token");
      return;
    }

  if (fake->busy_times > 0)
    {
      fake->busy_times--;
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "1");
      reply_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", "Try again soon");
      return;
    }

  if (fake->fail_times > 0)
    {
      fake->fail_times--;
      reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", "Something broke");
      return;
    }

  if (fake->refuse_status != 0)
    {
      reply_error (msg, fake->refuse_status, "invalid_batch", "Batches are not what I expected");
      return;
    }

  g_assert_cmpuint (body->length, <=, FW_SIM_MAX_BODY_BYTES);
  fake->max_body = MAX (fake->max_body, (gsize) body->length);

  json_parser_load_from_data (parser, body->data, body->length, &error);
  g_assert_no_error (error);
  batches = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "batches");
  g_assert_nonnull (batches);

  for (guint i = 0; i < json_array_get_length (batches); i++)
    {
      JsonObject *batch = json_array_get_object_element (batches, i);

      n_readings += json_array_get_length (json_object_get_array_member (batch, "values"));
    }

  if (n_readings > FW_SIM_MAX_READINGS_PER_REQUEST
      || (fake->too_large_above > 0 && n_readings > fake->too_large_above))
    {
      reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large", "Too many readings");
      return;
    }

  fake->requests++;
  fake->max_readings = MAX (fake->max_readings, n_readings);
  fake->max_batches = MAX (fake->max_batches, json_array_get_length (batches));

  g_string_append (answer, "\"batches\":[");
  for (guint i = 0; i < json_array_get_length (batches); i++)
    {
      JsonObject *batch = json_array_get_object_element (batches, i);
      const char *sensor = json_object_get_string_member (batch, "sensor");
      JsonArray *values = json_object_get_array_member (batch, "values");
      guint n = json_array_get_length (values);
      guint batch_accepted = 0, batch_rejected = 0;

      g_assert_cmpuint (n, >, 0);

      if (!known_sensor (fake, sensor))
        {
          g_string_append_printf (answer, "%s{\"sensor\":\"%s\",\"accepted\":0,\"rejected\":%u,"
                                  "\"error\":\"unknown_sensor\"}", i > 0 ? "," : "", sensor, n);
          rejected += n;
          continue;
        }

      if (json_object_has_member (batch, "times"))
        {
          JsonArray *times = json_object_get_array_member (batch, "times");

          fake->times_batches++;
          g_assert_cmpuint (json_array_get_length (times), ==, n);
          for (guint k = 0; k < n; k++)
            {
              if (record_reading (fake, sensor, json_array_get_int_element (times, k),
                                  json_array_get_element (values, k)))
                batch_accepted++;
              else
                batch_rejected++;
            }
        }
      else
        {
          gint64 start = json_object_get_int_member (batch, "start");
          gint64 interval = json_object_get_int_member (batch, "interval");

          g_assert_cmpint (interval, >, 0);
          /* A batch starts and ends with a reading, not a null. */
          g_assert_false (JSON_NODE_HOLDS_NULL (json_array_get_element (values, 0)));
          g_assert_false (JSON_NODE_HOLDS_NULL (json_array_get_element (values, n - 1)));

          for (guint k = 0; k < n; k++)
            {
              if (JSON_NODE_HOLDS_NULL (json_array_get_element (values, k)))
                {
                  fake->nulls++;
                  continue;
                }
              if (record_reading (fake, sensor, start + k * interval, json_array_get_element (values, k)))
                batch_accepted++;
              else
                batch_rejected++;
            }
        }

      g_string_append_printf (answer, "%s{\"sensor\":\"%s\",\"accepted\":%u,\"rejected\":%u,"
                              "\"errors\":[%s]}",
                              i > 0 ? "," : "", sensor, batch_accepted, batch_rejected,
                              batch_rejected > 0
                              ? "{\"index\":0,\"time\":0,\"reason\":\"duplicate_time\"}"
                              : "");
      accepted += batch_accepted;
      rejected += batch_rejected;
    }
  g_string_append (answer, "]}");

  {
    g_autofree char *head = g_strdup_printf ("{\"accepted\":%u,\"rejected\":%u,", accepted, rejected);

    g_string_prepend (answer, head);
  }
  reply_json (msg, SOUP_STATUS_OK, answer->str);
}

static FakeServer *
fake_server_new (const FakeSensor *sensors,
                 guint             n_sensors)
{
  FakeServer *fake = g_new0 (FakeServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fake->sensors = sensors;
  fake->n_sensors = n_sensors;
  fake->readings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_hash_table_unref);
  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, "/api/v1/devices/self", device_cb, fake, NULL);
  soup_server_add_handler (fake->server, "/api/v1/ingest", ingest_cb, fake, NULL);

  soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (fake->server);
  g_assert_nonnull (uris);
  fake->url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return fake;
}

static void
fake_server_free (FakeServer *fake)
{
  soup_server_disconnect (fake->server);
  g_assert_finalize_object (fake->server);
  g_hash_table_unref (fake->readings);
  g_free (fake->url);
  g_free (fake);
}

static GHashTable *
fake_readings_of (FakeServer *fake,
                  const char *sensor)
{
  return g_hash_table_lookup (fake->readings, sensor);
}

static guint
fake_total (FakeServer *fake)
{
  GHashTableIter iter;
  gpointer table;
  guint total = 0;

  g_hash_table_iter_init (&iter, fake->readings);
  while (g_hash_table_iter_next (&iter, NULL, &table))
    total += g_hash_table_size (table);

  return total;
}

static FwSim *
new_sim (FakeServer *fake,
         const char *token)
{
  FwSim *sim = fw_sim_new (fake->url, token);

  fw_sim_set_now (sim, NOW);
  return sim;
}

typedef struct
{
  gboolean  done;
  GError   *error;
} RunResult;

static void
run_finished_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RunResult *run = user_data;

  g_assert_false (run->done);
  if (!fw_sim_run_finish (FW_SIM (source), result, &run->error))
    g_assert_nonnull (run->error);
  run->done = TRUE;
}

/* Returns: (transfer full) (nullable): the run's error, %NULL on success */
static GError *
run_sim (FwSim        *sim,
         GCancellable *cancellable)
{
  RunResult run = { FALSE, NULL };

  fw_sim_run_async (sim, cancellable, run_finished_cb, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);

  return run.error;
}

static void
run_sim_ok (FwSim *sim)
{
  g_autoptr(GError) error = run_sim (sim, NULL);

  g_assert_no_error (error);
}

static void
destroy_sim (FwSim *sim)
{
  fw_test_wait_for_last_ref (G_OBJECT (sim));
  g_assert_finalize_object (sim);
}

static FwSimSensor *
model_of (const FakeSensor *s)
{
  return fw_sim_sensor_new (s->id, s->unit_id, s->unit_name, s->kind, s->parameter, s->interval, 0);
}

/* Every reading that arrived is what the model says, at a time on the
 * sensor's grid, and every reading the model has in [@from, @to] arrived
 * exactly once. Returns how many that is. */
static guint
assert_exactly_model (FakeServer        *fake,
                      const FakeSensor  *s,
                      const FwSimSensor *model,
                      FwTime             from,
                      FwTime             to)
{
  GHashTable *table = fake_readings_of (fake, s->id);
  const FwParameterInfo *info = fw_parameter_get_info (s->parameter);
  guint expected = 0;
  GHashTableIter iter;
  gpointer key, value;

  g_assert_nonnull (table);

  for (FwTime t = from + (s->interval - from % s->interval) % s->interval; t <= to; t += s->interval)
    {
      double v;
      double *got = g_hash_table_lookup (table, &t);

      if (fw_sim_sensor_read (model, t, &v) == FW_SIM_READING_VALUE)
        {
          g_assert_nonnull (got);
          g_assert_cmpfloat (*got, ==, v);
          expected++;
        }
      else
        {
          g_assert_null (got);
        }
    }

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 t = *(gint64 *) key;
      double v = *(double *) value;

      g_assert_cmpint (t % s->interval, ==, 0);
      g_assert_cmpint (t, >=, from);
      g_assert_cmpint (t, <=, to);
      g_assert_true (isfinite (v));
      g_assert_cmpfloat (v, >=, info->plausible_min);
      g_assert_cmpfloat (v, <=, info->plausible_max);
    }

  g_assert_cmpuint (g_hash_table_size (table), ==, expected);
  return expected;
}

static void
test_sim_create_destroy (void)
{
  FwSim *sim = fw_sim_new ("http://127.0.0.1:1", TOKEN);
  g_autofree char *url = NULL;
  guint64 pushed = 1;

  g_object_get (sim, "server-url", &url, "pushed", &pushed, NULL);
  g_assert_cmpstr (url, ==, "http://127.0.0.1:1");
  g_assert_cmpuint (pushed, ==, 0);
  g_assert_cmpfloat (fw_sim_get_speed (sim), ==, 1.0);
  g_assert_cmpint (fw_sim_get_duration (sim), ==, -1);
  g_assert_cmpuint (fw_sim_get_readings_per_request (sim), ==, FW_SIM_MAX_READINGS_PER_REQUEST);

  fw_sim_set_speed (sim, 60);
  g_assert_cmpfloat (fw_sim_get_speed (sim), ==, 60);

  g_assert_finalize_object (sim);
}

static void
test_sim_parse (void)
{
  static const struct { const char *text; gboolean sign; gint64 seconds; } good[] = {
    { "90d", FALSE, 90 * DAY }, { "6h", FALSE, 6 * 3600 }, { "15m", FALSE, 900 },
    { "30s", FALSE, 30 }, { "1h30m", FALSE, 5400 }, { "300", FALSE, 300 }, { "0", FALSE, 0 },
    { "-6h", TRUE, -6 * 3600 }, { "+2h", TRUE, 7200 },
  };
  static const char * const bad_durations[] = {
    "", "h", "6x", "-6h", "1h30", "99999999999d", "6 h",
  };
  static const char * const bad_faults[] = {
    "oxygen-crash", "meltdown:Pond 1", "silent:", "stuck:Pond 1@6q", "spikes:Pond 1@2h..1h",
    "silent:@-1h",
  };
  g_autoptr(FwSimFault) fault = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 seconds = -1;

      g_assert_true (fw_sim_parse_duration (good[i].text, good[i].sign, &seconds, &error));
      g_assert_no_error (error);
      g_assert_cmpint (seconds, ==, good[i].seconds);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad_durations); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 seconds;

      g_assert_false (fw_sim_parse_duration (bad_durations[i], FALSE, &seconds, &error));
      g_assert_error (error, FW_SIM_ERROR, FW_SIM_ERROR_INVALID_ARGUMENT);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad_faults); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (fw_sim_fault_parse (bad_faults[i], &error));
      g_assert_error (error, FW_SIM_ERROR, FW_SIM_ERROR_INVALID_ARGUMENT);
    }

  fault = fw_sim_fault_parse ("oxygen-crash:Pond 4", NULL);
  g_assert_cmpint (fault->kind, ==, FW_SIM_FAULT_OXYGEN_CRASH);
  g_assert_cmpstr (fault->target, ==, "Pond 4");
  g_assert_false (fault->has_parameter);
  g_assert_cmpint (fault->start, ==, 0);
  g_assert_cmpint (fault->end, ==, FW_SIM_FAULT_OPEN_END);
  g_clear_pointer (&fault, fw_sim_fault_free);

  fault = fw_sim_fault_parse ("stuck:Tank A1/ph@-2d..-1d", NULL);
  g_assert_cmpint (fault->kind, ==, FW_SIM_FAULT_STUCK);
  g_assert_cmpstr (fault->target, ==, "Tank A1");
  g_assert_true (fault->has_parameter);
  g_assert_cmpint (fault->parameter, ==, FW_PARAMETER_PH);
  g_assert_cmpint (fault->start, ==, -2 * DAY);
  g_assert_cmpint (fault->end, ==, -DAY);
  g_clear_pointer (&fault, fw_sim_fault_free);

  /* A slash that names no parameter belongs to the unit's name. */
  fault = fw_sim_fault_parse ("silent:North/South Pond/do@+30m", NULL);
  g_assert_cmpstr (fault->target, ==, "North/South Pond");
  g_assert_cmpint (fault->parameter, ==, FW_PARAMETER_DISSOLVED_OXYGEN);
  g_assert_cmpint (fault->start, ==, 1800);
  g_clear_pointer (&fault, fw_sim_fault_free);

  fault = fw_sim_fault_parse ("spikes:0b6c1a52-0000-4000-8000-000000000001", NULL);
  g_assert_cmpint (fault->kind, ==, FW_SIM_FAULT_SPIKES);
  g_assert_cmpstr (fault->target, ==, "0b6c1a52-0000-4000-8000-000000000001");
}

static void
test_sim_backfill (void)
{
  FakeServer *fake = fake_server_new (farm_sensors, G_N_ELEMENTS (farm_sensors));
  FwSim *sim = new_sim (fake, TOKEN);
  guint total = 0;

  fw_sim_set_backfill (sim, DAY);
  fw_sim_set_duration (sim, 0);
  run_sim_ok (sim);

  g_assert_cmpuint (fw_sim_get_n_sensors (sim), ==, G_N_ELEMENTS (farm_sensors));

  for (guint i = 0; i < G_N_ELEMENTS (farm_sensors); i++)
    {
      const FakeSensor *s = &farm_sensors[i];
      g_autoptr(FwSimSensor) model = model_of (s);
      guint n = assert_exactly_model (fake, s, model, NOW - DAY, NOW);

      /* A day of readings, less a few hours of dropouts at most. */
      g_assert_cmpuint (n, <=, DAY / s->interval + 1);
      g_assert_cmpuint (n, >=, (DAY / s->interval + 1) * 6 / 10);
      total += n;
    }

  /* Plausible water: a spring pond, a heated tank. */
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, fake_readings_of (fake, farm_sensors[POND_TEMPERATURE].id));
    while (g_hash_table_iter_next (&iter, NULL, &value))
      g_assert_cmpfloat_with_epsilon (*(double *) value, 19.0, 9.0);

    g_hash_table_iter_init (&iter, fake_readings_of (fake, farm_sensors[TANK_DO].id));
    while (g_hash_table_iter_next (&iter, NULL, &value))
      g_assert_cmpfloat_with_epsilon (*(double *) value, 6.5, 3.0);
  }

  g_assert_cmpuint (fake->duplicates, ==, 0);
  g_assert_cmpuint (fw_sim_get_pushed (sim), ==, total);
  g_assert_cmpuint (fw_sim_get_accepted (sim), ==, total);
  g_assert_cmpuint (fw_sim_get_rejected (sim), ==, 0);
  g_assert_cmpuint (fw_sim_get_requests (sim), ==, fake->requests);
  /* Many sensors share a request during a backfill. */
  g_assert_cmpuint (fake->requests, ==, 1);
  g_assert_cmpuint (fw_sim_get_retries (sim), ==, 0);

  destroy_sim (sim);
  fake_server_free (fake);
}

static void
check_all_arrived_once (FakeServer *fake,
                        FwTime      from,
                        FwTime      to)
{
  for (guint i = 0; i < fake->n_sensors; i++)
    {
      g_autoptr(FwSimSensor) model = model_of (&fake->sensors[i]);

      assert_exactly_model (fake, &fake->sensors[i], model, from, to);
    }

  g_assert_cmpuint (fake->duplicates, ==, 0);
}

static void
on_retrying_cb (FwSim      *sim,
                const char *message,
                double      seconds,
                gpointer    user_data)
{
  GPtrArray *messages = user_data;

  g_ptr_array_add (messages, g_strdup (message));
}

static void
test_sim_retry_after (void)
{
  FakeServer *fake = fake_server_new (farm_sensors, G_N_ELEMENTS (farm_sensors));
  FwSim *sim = new_sim (fake, TOKEN);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  gint64 started = g_get_monotonic_time ();

  fake->busy_times = 1;
  g_signal_connect (sim, "retrying", G_CALLBACK (on_retrying_cb), messages);
  fw_sim_set_backfill (sim, DAY);
  fw_sim_set_duration (sim, 0);
  run_sim_ok (sim);

  /* The same body again after the second the server asked for. */
  g_assert_cmpint (g_get_monotonic_time () - started, >=, G_USEC_PER_SEC - 50000);
  g_assert_cmpuint (fake->attempts, ==, 2);
  g_assert_cmpuint (fw_sim_get_retries (sim), ==, 1);
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (messages, 0), "503"));
  check_all_arrived_once (fake, NOW - DAY, NOW);
  g_assert_cmpuint (fw_sim_get_pushed (sim), ==, fake_total (fake));

  destroy_sim (sim);
  fake_server_free (fake);
}

static void
test_sim_server_error (void)
{
  FakeServer *fake = fake_server_new (farm_sensors, G_N_ELEMENTS (farm_sensors));
  FwSim *sim = new_sim (fake, TOKEN);

  fake->fail_times = 1;
  fw_sim_set_backfill (sim, 6 * 3600);
  fw_sim_set_duration (sim, 0);
  run_sim_ok (sim);

  g_assert_cmpuint (fw_sim_get_retries (sim), ==, 1);
  check_all_arrived_once (fake, NOW - 6 * 3600, NOW);

  destroy_sim (sim);
  fake_server_free (fake);
}

static void
test_sim_unauthorized (void)
{
  FakeServer *fake = fake_server_new (farm_sensors, G_N_ELEMENTS (farm_sensors));
  FwSim *sim = new_sim (fake, "not-the-token");
  g_autoptr(GError) error = NULL;

  fw_sim_set_backfill (sim, DAY);
  error = run_sim (sim, NULL);

  g_assert_error (error, FW_SIM_ERROR, FW_SIM_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (error->message, "Unknown device token"));
  g_assert_cmpuint (fake_total (fake), ==, 0);
  g_assert_cmpuint (fw_sim_get_pushed (sim), ==, 0);

  destroy_sim (sim);
  fake_server_free (fake);
}

static void
test_sim_refused (void)
{
  FakeServer *fake = fake_server_new (farm_sensors, G_N_ELEMENTS (farm_sensors));
  FwSim *sim = new_sim (fake, TOKEN);
  g_autoptr(GError) error = NULL;

  fake->refuse_status = SOUP_STATUS_UNPROCESSABLE_ENTITY;
  fw_sim_set_backfill (sim, DAY);
  fw_sim_set_duration (sim, 0);
  error = run_sim (sim, NULL);

  /* Another 4xx is not worth retrying: the body says why. */
  g_assert_error (error, FW_SIM_ERROR, FW_SIM_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "422"));
  g_assert_nonnull (strstr (error->message, "Batches are not what I expected"));
  g_assert_cmpuint (fake->attempts, ==, 1);

  destroy_sim (sim);
  fake_server_free (fake);
}

static void
test_sim_bad_fault_target (void)
{
  FakeServer *fake = fake_server_new (farm_sensors, G_N_ELEMENTS (farm_sensors));
  FwSim *sim = new_sim (fake, TOKEN);
  g_autoptr(GError) error = NULL;

  g_assert_true (fw_sim_add_fault (sim, "silent:Pond 77/ph", NULL));
  fw_sim_set_duration (sim, 0);
  error = run_sim (sim, NULL);

  g_assert_error (error, FW_SIM_ERROR, FW_SIM_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "Pond 77/ph"));
  g_assert_cmpuint (fake->attempts, ==, 0);

  destroy_sim (sim);
  fake_server_free (fake);
}

static void
test_sim_oxygen_crash (void)
{
  FakeServer *fake = fake_server_new (farm_sensors, G_N_ELEMENTS (farm_sensors));
  FwSim *sim = new_sim (fake, TOKEN);
  const FakeSensor *pond = &farm_sensors[POND_DO];
  FwTime fault_start = NOW - DAY;
  FwTime crash = fw_sim_oxygen_crash_start (fault_start);
  g_autoptr(FwSimSensor) model = model_of (pond);
  GHashTable *table;
  GHashTableIter iter;
  gpointer key, value;
  guint low = 0;
  double ph_before = 0, ph_bottom = 0;

  g_assert_true (fw_sim_add_fault (sim, "oxygen-crash:Pond 1@-1d", NULL));
  fw_sim_set_backfill (sim, 3 * DAY);
  fw_sim_set_duration (sim, 0);
  run_sim_ok (sim);

  /* The crash comes the first night after the fault, at 01:30 solar
   * time, and is over before the run's present. */
  g_assert_cmpint (crash, >=, fault_start);
  g_assert_cmpint (crash, <, fault_start + DAY);
  g_assert_cmpfloat_with_epsilon (fw_pond_solar_hour (crash), 1.5, 1e-9);
  g_assert_cmpint (crash + 10 * 3600, <, NOW);

  table = fake_readings_of (fake, pond->id);
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      FwTime t = *(gint64 *) key;
      double v = *(double *) value;

      if (t < crash || t >= crash + 10 * 3600)
        {
          /* Normal nights, before and after, stay well above 2 mg/L. */
          g_assert_cmpfloat (v, >, 2.5);
        }
      else if (v < 2.0)
        {
          double hour = fw_pond_solar_hour (t);

          /* Low only at night and in the hour after dawn. */
          g_assert_cmpfloat (hour, >=, 2.0);
          g_assert_cmpfloat (hour, <, 8.5);
          g_assert_cmpfloat (v, >, 0.5);
          low++;
        }
    }
  /* About four hours at the bottom, at five-minute readings. */
  g_assert_cmpuint (low, >=, 30);

  /* The model without the fault had no crash that night. */
  for (FwTime t = crash; t < crash + 10 * 3600; t += pond->interval)
    {
      double v;

      if (fw_sim_sensor_read (model, t, &v) == FW_SIM_READING_VALUE)
        g_assert_cmpfloat (v, >, 2.5);
    }

  /* The pH in the same pond drops with its oxygen: compare the hours at
   * the bottom with the same hours the night before. */
  table = fake_readings_of (fake, farm_sensors[POND_PH].id);
  {
    guint n_before = 0, n_bottom = 0;

    for (FwTime t = crash + 3 * 3600; t < crash + 5 * 3600; t += farm_sensors[POND_PH].interval)
      {
        FwTime day_before = t - DAY;
        double *a = g_hash_table_lookup (table, &day_before);
        double *b = g_hash_table_lookup (table, &t);

        if (a != NULL)
          ph_before += *a, n_before++;
        if (b != NULL)
          ph_bottom += *b, n_bottom++;
      }

    g_assert_cmpuint (n_before, >, 5);
    g_assert_cmpuint (n_bottom, >, 5);
    g_assert_cmpfloat (ph_bottom / n_bottom, <, ph_before / n_before - 0.2);
  }

  /* The tank next door knows nothing of it. */
  g_hash_table_iter_init (&iter, fake_readings_of (fake, farm_sensors[TANK_DO].id));
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_assert_cmpfloat (*(double *) value, >, 3.0);

  destroy_sim (sim);
  fake_server_free (fake);
}

static void
test_sim_silent (void)
{
  FakeServer *fake = fake_server_new (farm_sensors, G_N_ELEMENTS (farm_sensors));
  FwSim *sim = new_sim (fake, TOKEN);
  const FakeSensor *oxygen = &farm_sensors[POND_DO];
  const FakeSensor *temperature = &farm_sensors[POND_TEMPERATURE];
  GHashTableIter iter;
  gpointer key;
  guint before = 0, after = 0;

  g_assert_true (fw_sim_add_fault (sim, "silent:Pond 1/do@-12h", NULL));
  g_assert_true (fw_sim_add_fault (sim, "silent:0b6c1a52-0000-4000-8000-000000000002@-18h..-15h", NULL));
  fw_sim_set_backfill (sim, DAY);
  fw_sim_set_duration (sim, 0);
  run_sim_ok (sim);

  g_hash_table_iter_init (&iter, fake_readings_of (fake, oxygen->id));
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_assert_cmpint (*(gint64 *) key, <, NOW - 12 * 3600);
      before++;
    }
  g_assert_cmpuint (before, >, 100);

  /* Three silent hours in the middle: what came before and after it
   * travels as times, so no null pretends to be a dropout. */
  before = 0;
  g_hash_table_iter_init (&iter, fake_readings_of (fake, temperature->id));
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      FwTime t = *(gint64 *) key;

      g_assert_true (t < NOW - 18 * 3600 || t >= NOW - 15 * 3600);
      if (t < NOW - 18 * 3600)
        before++;
      else
        after++;
    }
  g_assert_cmpuint (before, >, 50);
  g_assert_cmpuint (after, >, 100);
  g_assert_cmpuint (fake->times_batches, ==, 1);

  /* The other probes in the pond carry on. */
  {
    g_autoptr(FwSimSensor) model = model_of (&farm_sensors[POND_PH]);

    assert_exactly_model (fake, &farm_sensors[POND_PH], model, NOW - DAY, NOW);
  }

  destroy_sim (sim);
  fake_server_free (fake);
}

static void
test_sim_stuck (void)
{
  FakeServer *fake = fake_server_new (farm_sensors, G_N_ELEMENTS (farm_sensors));
  FwSim *sim = new_sim (fake, TOKEN);
  const FakeSensor *tank = &farm_sensors[TANK_DO];
  g_autoptr(FwSimSensor) model = model_of (tank);
  FwTime start = NOW - 12 * 3600;
  FwTime last_before = start - tank->interval;
  g_autoptr(GHashTable) distinct_before = g_hash_table_new (g_double_hash, g_double_equal);
  GHashTableIter iter;
  gpointer key, value;
  double stuck_value = NAN;
  guint stuck = 0;

  g_assert_true (fw_sim_add_fault (sim, "stuck:Tank A1/dissolved_oxygen@-12h", NULL));
  fw_sim_set_backfill (sim, DAY);
  fw_sim_set_duration (sim, 0);
  run_sim_ok (sim);

  /* It repeats the last value it read before it froze. */
  fw_sim_sensor_add_fault (model, FW_SIM_FAULT_STUCK, start, FW_SIM_FAULT_OPEN_END);
  assert_exactly_model (fake, tank, model, NOW - DAY, NOW);

  g_hash_table_iter_init (&iter, fake_readings_of (fake, tank->id));
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      FwTime t = *(gint64 *) key;
      double v = *(double *) value;

      if (t < start)
        {
          g_hash_table_add (distinct_before, value);
          continue;
        }

      if (isnan (stuck_value))
        stuck_value = v;
      g_assert_cmpfloat (v, ==, stuck_value);
      stuck++;
    }

  g_assert_cmpuint (stuck, ==, 12 * 3600 / tank->interval + 1);
  g_assert_cmpuint (g_hash_table_size (distinct_before), >, 20);
  {
    g_autoptr(FwSimSensor) healthy = model_of (tank);
    double v;

    g_assert_cmpint (fw_sim_sensor_read (healthy, last_before, &v), ==, FW_SIM_READING_VALUE);
    g_assert_cmpfloat (v, ==, stuck_value);
  }

  destroy_sim (sim);
  fake_server_free (fake);
}

static void
test_sim_spikes (void)
{
  FakeServer *fake = fake_server_new (farm_sensors, G_N_ELEMENTS (farm_sensors));
  FwSim *sim = new_sim (fake, TOKEN);
  const FakeSensor *temperature = &farm_sensors[POND_TEMPERATURE];
  g_autoptr(FwSimSensor) healthy = model_of (temperature);
  g_autoptr(FwSimSensor) model = model_of (temperature);
  GHashTableIter iter;
  gpointer key, value;
  guint outliers = 0, before = 0;

  g_assert_true (fw_sim_add_fault (sim, "spikes:Pond 1/temp@-1d", NULL));
  fw_sim_set_backfill (sim, 2 * DAY);
  fw_sim_set_duration (sim, 0);
  run_sim_ok (sim);

  fw_sim_sensor_add_fault (model, FW_SIM_FAULT_SPIKES, NOW - DAY, FW_SIM_FAULT_OPEN_END);
  assert_exactly_model (fake, temperature, model, NOW - 2 * DAY, NOW);

  g_hash_table_iter_init (&iter, fake_readings_of (fake, temperature->id));
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      FwTime t = *(gint64 *) key;
      double normal;

      g_assert_cmpint (fw_sim_sensor_read (healthy, t, &normal), ==, FW_SIM_READING_VALUE);

      /* 5 to 10 times a deviation of 0.3 °C. */
      if (fabs (*(double *) value - normal) > 1.0)
        {
          g_assert_cmpfloat (fabs (*(double *) value - normal), <=, 3.0 + 1e-9);
          if (t < NOW - DAY)
            before++;
          else
            outliers++;
        }
    }

  g_assert_cmpuint (before, ==, 0);
  /* About one every two hours. */
  g_assert_cmpuint (outliers, >=, 4);
  g_assert_cmpuint (outliers, <=, 30);

  destroy_sim (sim);
  fake_server_free (fake);
}

static void
test_sim_split (void)
{
  FakeServer *fake = fake_server_new (busy_sensors, G_N_ELEMENTS (busy_sensors));
  FwSim *sim = new_sim (fake, TOKEN);
  guint slots = 4 * (30 * DAY / 60 + 1);

  fw_sim_set_backfill (sim, 30 * DAY);
  fw_sim_set_duration (sim, 0);
  run_sim_ok (sim);

  check_all_arrived_once (fake, NOW - 30 * DAY, NOW);
  g_assert_cmpuint (fake->requests, ==, (slots + FW_SIM_MAX_READINGS_PER_REQUEST - 1)
                                        / FW_SIM_MAX_READINGS_PER_REQUEST);
  g_assert_cmpuint (fake->max_readings, <=, FW_SIM_MAX_READINGS_PER_REQUEST);
  /* The limit is used, not just respected: nulls count towards it too. */
  g_assert_cmpuint (fake->max_readings + 2000, >=, FW_SIM_MAX_READINGS_PER_REQUEST);
  g_assert_cmpuint (fw_sim_get_pushed (sim), ==, fake_total (fake));

  destroy_sim (sim);
  fake_server_free (fake);
}

static void
test_sim_too_large (void)
{
  FakeServer *fake = fake_server_new (busy_sensors, G_N_ELEMENTS (busy_sensors));
  FwSim *sim = new_sim (fake, TOKEN);

  /* A server with a smaller limit than ours: halve until it fits. */
  fake->too_large_above = 20000;
  fw_sim_set_backfill (sim, 10 * DAY);
  fw_sim_set_duration (sim, 0);
  run_sim_ok (sim);

  check_all_arrived_once (fake, NOW - 10 * DAY, NOW);
  g_assert_cmpuint (fake->max_readings, <=, 20000);
  g_assert_cmpuint (fw_sim_get_pushed (sim), ==, fake_total (fake));

  destroy_sim (sim);
  fake_server_free (fake);
}

static void
test_sim_sensors_per_request (void)
{
  FakeServer *fake = fake_server_new (farm_sensors, G_N_ELEMENTS (farm_sensors));
  FwSim *sim = new_sim (fake, TOKEN);

  fw_sim_set_backfill (sim, 2 * DAY);
  fw_sim_set_duration (sim, 0);
  fw_sim_set_sensors_per_request (sim, 2);
  fw_sim_set_readings_per_request (sim, 200);
  fw_sim_set_concurrency (sim, 4);
  run_sim_ok (sim);

  check_all_arrived_once (fake, NOW - 2 * DAY, NOW);
  g_assert_cmpuint (fake->max_batches, <=, 2);
  g_assert_cmpuint (fake->max_readings, <=, 200);
  g_assert_cmpuint (fake->requests, >, 10);

  destroy_sim (sim);
  fake_server_free (fake);
}

static void
test_sim_stream (void)
{
  FakeServer *fake = fake_server_new (farm_sensors, G_N_ELEMENTS (farm_sensors));
  FwSim *sim = new_sim (fake, TOKEN);

  /* Six simulated hours at 100 h a second, pushing every 10 minutes. */
  fw_sim_set_backfill (sim, 3600);
  fw_sim_set_duration (sim, 6 * 3600);
  fw_sim_set_speed (sim, 360000);
  fw_sim_set_push_every (sim, 600);
  run_sim_ok (sim);

  check_all_arrived_once (fake, NOW - 3600, NOW + 6 * 3600);
  g_assert_cmpint (fw_sim_get_simulated_time (sim), ==, NOW + 6 * 3600);
  g_assert_cmpuint (fake->requests, >, 1);

  destroy_sim (sim);
  fake_server_free (fake);
}

static void
stop_when_streaming_cb (GObject    *object,
                        GParamSpec *pspec,
                        gpointer    user_data)
{
  FwSim *sim = FW_SIM (object);

  if (fw_sim_get_simulated_time (sim) >= NOW + 3 * 3600)
    fw_sim_stop (sim);
}

static void
test_sim_stop (void)
{
  FakeServer *fake = fake_server_new (farm_sensors, G_N_ELEMENTS (farm_sensors));
  FwSim *sim = new_sim (fake, TOKEN);
  FwTime end;

  /* No duration: it streams until stopped, and what is due arrives. */
  fw_sim_set_speed (sim, 36000);
  fw_sim_set_push_every (sim, 300);
  g_signal_connect (sim, "notify::simulated-time", G_CALLBACK (stop_when_streaming_cb), NULL);
  run_sim_ok (sim);

  end = fw_sim_get_simulated_time (sim);
  g_assert_cmpint (end, >=, NOW + 3 * 3600);
  g_assert_cmpint (end, <, NOW + 24 * 3600);
  check_all_arrived_once (fake, NOW, end);

  destroy_sim (sim);
  fake_server_free (fake);
}

static void
test_sim_cancel (void)
{
  FakeServer *fake = fake_server_new (farm_sensors, G_N_ELEMENTS (farm_sensors));
  FwSim *sim = new_sim (fake, TOKEN);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  /* A server that is always busy: only cancelling ends the run. */
  fake->busy_times = G_MAXUINT;
  fw_sim_set_backfill (sim, DAY);
  g_timeout_add_once (300, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  error = run_sim (sim, cancellable);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fake_total (fake), ==, 0);
  g_assert_cmpuint (fw_sim_get_retries (sim), >=, 1);

  destroy_sim (sim);
  fake_server_free (fake);
}

int
main (int   argc,
      char *argv[])
{
  /* Loopback needs no proxy, and the desktop's proxy resolver would read
   * system GSettings schemas that the test environment hides. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  fw_test_init (&argc, &argv);

  g_test_add_func ("/sim/create-destroy", test_sim_create_destroy);
  g_test_add_func ("/sim/parse", test_sim_parse);
  g_test_add_func ("/sim/backfill", test_sim_backfill);
  g_test_add_func ("/sim/retry-after", test_sim_retry_after);
  g_test_add_func ("/sim/server-error", test_sim_server_error);
  g_test_add_func ("/sim/unauthorized", test_sim_unauthorized);
  g_test_add_func ("/sim/refused", test_sim_refused);
  g_test_add_func ("/sim/bad-fault-target", test_sim_bad_fault_target);
  g_test_add_func ("/sim/oxygen-crash", test_sim_oxygen_crash);
  g_test_add_func ("/sim/silent", test_sim_silent);
  g_test_add_func ("/sim/stuck", test_sim_stuck);
  g_test_add_func ("/sim/spikes", test_sim_spikes);
  g_test_add_func ("/sim/split", test_sim_split);
  g_test_add_func ("/sim/too-large", test_sim_too_large);
  g_test_add_func ("/sim/sensors-per-request", test_sim_sensors_per_request);
  g_test_add_func ("/sim/stream", test_sim_stream);
  g_test_add_func ("/sim/stop", test_sim_stop);
  g_test_add_func ("/sim/cancel", test_sim_cancel);

  return g_test_run ();
}
