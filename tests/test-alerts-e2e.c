/* test-alerts-e2e.c — an oxygen crash, from the water to two clients
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real fishwatch-server and fishwatch-sim on loopback. The simulator
 * backfills a night in which Pond 1's oxygen crashes, up to a moment when
 * the water is still at the bottom; the server raises a critical alert as
 * the readings arrive. A worker's client pulls it, acknowledges it and
 * pushes; the server keeps who and why, and a second client hears of it.
 * The server's silence timer is off: the backfill ends in the past, and
 * every sensor would be silent since.
 */

#include "config.h"

#include <math.h>

#include "fw-core.h"
#include "fw-test-server.h"
#include "fw-test-util.h"

#define ACK_NOTE "Emergency aerator running in Pond 1"

typedef struct
{
  FwTestServer *server;
  char         *dir;
  char         *farm_uuid;
  char         *unit_uuid;     /* Pond 1 */
  char         *sensor_uuid;   /* its dissolved oxygen */
  FwTime        sim_now;
} Fixture;

static JsonArray *
items (JsonNode *response)
{
  return json_object_get_array_member (json_node_get_object (response), "items");
}

static const char *
string_member (JsonNode   *node,
               const char *name)
{
  return json_object_get_string_member_with_default (json_node_get_object (node), name, NULL);
}

/* Finds Pond 1 and its oxygen probe through the API, as a client would. */
static void
find_pond (Fixture    *fixture,
           const char *token)
{
  g_autoptr(JsonNode) units = NULL;
  g_autoptr(JsonNode) sensors = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/farms/%s/units", fixture->farm_uuid);

  g_assert_cmpuint (fw_test_server_call (fixture->server, "GET", path, token, NULL, &units, NULL), ==, 200);
  for (guint i = 0; i < json_array_get_length (items (units)); i++)
    {
      JsonNode *unit = json_array_get_element (items (units), i);

      if (g_strcmp0 (string_member (unit, "name"), "Pond 1") == 0)
        fixture->unit_uuid = g_strdup (string_member (unit, "id"));
    }
  g_assert_nonnull (fixture->unit_uuid);

  g_free (path);
  path = g_strdup_printf ("/api/v1/units/%s/sensors", fixture->unit_uuid);
  g_assert_cmpuint (fw_test_server_call (fixture->server, "GET", path, token, NULL, &sensors, NULL), ==, 200);
  for (guint i = 0; i < json_array_get_length (items (sensors)); i++)
    {
      JsonNode *sensor = json_array_get_element (items (sensors), i);

      if (g_strcmp0 (string_member (sensor, "parameter"), "dissolved_oxygen") == 0)
        fixture->sensor_uuid = g_strdup (string_member (sensor, "id"));
    }
  g_assert_nonnull (fixture->sensor_uuid);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *token = NULL;

  fixture->server = fw_test_server_start ("--alert-tick 0");
  fixture->dir = fw_test_make_tmpdir ();
  fixture->farm_uuid = g_strdup (string_member (fixture->server->demo, "farm_id"));

  token = fw_test_server_login (fixture->server, "manager");
  find_pond (fixture, token);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_cmpint (fw_test_server_stop (fixture->server), ==, 0);
  fw_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->farm_uuid);
  g_free (fixture->unit_uuid);
  g_free (fixture->sensor_uuid);
}

/* The simulated farm keeps solar time six hours behind UTC: its crash
 * begins at 01:30 and is at the bottom from 04:30 to 07:00, which is 10:30
 * to 13:00 UTC. The run ends at 11:30 UTC on the latest day that has had
 * one, so the water is still at the bottom when the backfill stops. */
static FwTime
crash_bottom_before (FwTime now)
{
  FwTime day = now - now % 86400;
  FwTime at = day + 11 * 3600 + 30 * 60;

  return at <= now - 600 ? at : at - 86400;
}

static void
run_sim (Fixture *fixture)
{
  const char *sim = g_getenv ("FISHWATCH_SIM");
  g_autofree char *now = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = NULL;
  int status = 0;

  g_assert_nonnull (sim);
  fixture->sim_now = crash_bottom_before (g_get_real_time () / G_USEC_PER_SEC);
  now = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->sim_now);

  {
    const char *argv[] = { sim, "--server", fixture->server->base_url, "--now", now,
                           "--backfill", "12h", "--duration", "0",
                           "--fault", "oxygen-crash:Pond 1@-12h", "--quiet", NULL };

    env = g_environ_setenv (g_get_environ (), "FISHWATCH_DEVICE_TOKEN",
                            fw_test_server_device_token (fixture->server), TRUE);
    g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, &error))
      g_error ("fishwatch-sim failed: %s\n%s", error->message, err);
  }
}

static JsonNode *
list_alerts (Fixture    *fixture,
             const char *token,
             const char *state)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/farms/%s/alerts%s%s", fixture->farm_uuid,
                                           state != NULL ? "?state=" : "", state ?: "");
  JsonNode *response = NULL;

  g_assert_cmpuint (fw_test_server_call (fixture->server, "GET", path, token, NULL, &response, NULL), ==, 200);
  return response;
}

/* The alert of @list about Pond 1's oxygen falling below its critical limit. */
static JsonNode *
find_crash_alert (JsonNode *list)
{
  for (guint i = 0; i < json_array_get_length (items (list)); i++)
    {
      JsonNode *alert = json_array_get_element (items (list), i);

      if (g_strcmp0 (string_member (alert, "parameter"), "dissolved_oxygen") == 0 &&
          g_strcmp0 (string_member (alert, "condition"), "low") == 0 &&
          g_strcmp0 (string_member (alert, "severity"), "critical") == 0)
        return alert;
    }

  return NULL;
}

static gint64
firing_gauge (Fixture    *fixture,
              const char *severity)
{
  g_autofree char *url = g_strconcat (fixture->server->base_url, "/metrics", NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *series = g_strdup_printf ("fishwatch_alerts_firing{severity=\"%s\"} ", severity);
  const char *line;

  body = soup_session_send_and_read (fixture->server->session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  /* A gauge by severity alone: no farm, unit or sensor label. */
  g_assert_null (strstr (text, "fishwatch_alerts_firing{farm"));
  line = strstr (text, series);
  g_assert_nonnull (line);
  return g_ascii_strtoll (line + strlen (series), NULL, 10);
}

static FwCache *
open_cache (Fixture      *fixture,
            const char   *name,
            FwSyncConfig *config)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  FwSyncReport report;
  FwCache *cache = fw_cache_open (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (fw_sync_run (cache, config, &report, NULL, &error));
  g_assert_no_error (error);
  return cache;
}

static FwAlert *
cached_alert (FwCache    *cache,
              const char *farm_uuid,
              const char *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) alerts = fw_cache_list_alerts (cache, farm_uuid, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < alerts->len; i++)
    {
      FwRecord *alert = g_ptr_array_index (alerts, i);

      if (g_strcmp0 (fw_record_get_uuid (alert), uuid) == 0)
        return g_object_ref (FW_ALERT (alert));
    }

  return NULL;
}

static void
test_oxygen_crash (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *worker = fw_test_server_login (fixture->server, "worker");
  g_autofree char *manager = fw_test_server_login (fixture->server, "manager");
  g_autoptr(JsonNode) firing = NULL;
  g_autoptr(JsonNode) acknowledged = NULL;
  g_autoptr(JsonNode) bad = NULL;
  g_autoptr(FwCache) a = NULL;
  g_autoptr(FwCache) b = NULL;
  g_autoptr(FwAlert) seen_by_a = NULL;
  g_autoptr(FwAlert) seen_by_b = NULL;
  g_autoptr(FwAlert) ack_a = NULL;
  g_autoptr(FwAlert) ack_b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *alert_uuid = NULL;
  FwSyncConfig config = { fixture->server->base_url, worker, NULL, 10, 0 };
  FwSyncReport report;
  const FwAlertFields *f;
  JsonNode *alert;
  gint64 critical_before;
  FwTime now = g_get_real_time () / G_USEC_PER_SEC;

  /* Client B has the farm from before the night. */
  b = open_cache (fixture, "b.sqlite", &config);

  run_sim (fixture);

  /* The server raised it as the readings arrived. */
  firing = list_alerts (fixture, worker, "firing");
  alert = find_crash_alert (firing);
  g_assert_nonnull (alert);
  g_assert_cmpstr (string_member (alert, "unit_id"), ==, fixture->unit_uuid);
  g_assert_cmpstr (string_member (alert, "sensor_id"), ==, fixture->sensor_uuid);
  g_assert_cmpstr (string_member (alert, "state"), ==, "firing");
  g_assert_cmpfloat (json_object_get_double_member (json_node_get_object (alert), "value"), <, 2.0);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (alert), "raised_offline"));
  alert_uuid = g_strdup (string_member (alert, "id"));

  /* The default list is the open alerts; a state it does not know is an
   * error naming the field. */
  {
    g_autoptr(JsonNode) open = list_alerts (fixture, worker, NULL);
    g_autofree char *path = g_strdup_printf ("/api/v1/farms/%s/alerts?state=burning", fixture->farm_uuid);

    g_assert_nonnull (find_crash_alert (open));
    g_assert_cmpuint (fw_test_server_call (fixture->server, "GET", path, worker, NULL, &bad, NULL), ==, 400);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (bad), "error"),
                                                    "field"), ==, "state");
  }

  critical_before = firing_gauge (fixture, "critical");
  g_assert_cmpint (critical_before, >=, 1);

  /* Client A, a worker, pulls the alert and acknowledges it. */
  a = open_cache (fixture, "a.sqlite", &config);
  seen_by_a = cached_alert (a, fixture->farm_uuid, alert_uuid);
  g_assert_nonnull (seen_by_a);
  g_assert_cmpint (fw_alert_get_state (seen_by_a), ==, FW_ALERT_STATE_FIRING);
  g_assert_cmpint (fw_alert_get_severity (seen_by_a), ==, FW_SEVERITY_CRITICAL);

  /* B pulls it too, before A's acknowledgement reaches the server. */
  g_assert_true (fw_sync_run (b, &config, &report, NULL, &error));
  g_assert_no_error (error);
  seen_by_b = cached_alert (b, fixture->farm_uuid, alert_uuid);
  g_assert_nonnull (seen_by_b);

  ack_a = fw_alert_acknowledge (seen_by_a, "worker", ACK_NOTE, now);
  g_assert_true (fw_cache_record_change (a, FW_RECORD (ack_a), FALSE, &error));
  g_assert_no_error (error);
  fw_sync_run (a, &config, &report, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report.applied, ==, 1);
  g_assert_cmpuint (report.conflicts, ==, 0);

  /* The server's copy says who and why. */
  acknowledged = list_alerts (fixture, manager, "acknowledged");
  alert = find_crash_alert (acknowledged);
  g_assert_nonnull (alert);
  g_assert_cmpstr (string_member (alert, "id"), ==, alert_uuid);
  g_assert_cmpstr (string_member (alert, "acknowledged_by"), ==, "worker");
  g_assert_cmpstr (string_member (alert, "acknowledge_note"), ==, ACK_NOTE);
  g_assert_nonnull (string_member (alert, "acknowledged_at"));
  g_assert_cmpint (firing_gauge (fixture, "critical"), ==, critical_before - 1);

  /* B acknowledges its older copy too: no conflict, and the first
   * acknowledgement stands. */
  ack_b = fw_alert_acknowledge (seen_by_b, "worker", "Second look", now + 60);
  g_assert_true (fw_cache_record_change (b, FW_RECORD (ack_b), FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (fw_sync_run (b, &config, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.conflicts, ==, 0);
  g_assert_cmpuint (report.rejected, ==, 0);

  /* B hears of A's acknowledgement. */
  g_clear_object (&seen_by_b);
  seen_by_b = cached_alert (b, fixture->farm_uuid, alert_uuid);
  g_assert_nonnull (seen_by_b);
  f = fw_alert_get_fields (seen_by_b);
  g_assert_cmpint (f->state, ==, FW_ALERT_STATE_ACKNOWLEDGED);
  g_assert_cmpstr (f->acknowledged_by, ==, "worker");
  g_assert_cmpstr (f->acknowledge_note, ==, ACK_NOTE);
  g_assert_cmpint (f->severity, ==, FW_SEVERITY_CRITICAL);
}

/* A push of one alert rule, as raw JSON; returns the mutation's status. */
static char *
push_rule (Fixture            *fixture,
           const char         *token,
           const FwAlertRuleFields *fields,
           char              **code)
{
  g_autoptr(FwAlertRule) rule = fw_alert_rule_new (NULL, fields);
  g_autoptr(JsonNode) record = fw_wire_encode_record (FW_RECORD (rule));
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(JsonNode) response = NULL;
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autofree char *body = NULL;
  JsonObject *result;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "mutations");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "mutation_id");
  json_builder_add_string_value (builder, mutation_id);
  json_builder_set_member_name (builder, "entity");
  json_builder_add_string_value (builder, "alert_rule");
  json_builder_set_member_name (builder, "op");
  json_builder_add_string_value (builder, "upsert");
  json_builder_set_member_name (builder, "record");
  json_builder_add_value (builder, json_node_ref (record));
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  body = json_to_string (request, FALSE);

  g_assert_cmpuint (fw_test_server_call (fixture->server, "POST", "/api/v1/sync/push", token, body, &response, NULL), ==, 200);
  result = json_array_get_object_element (json_object_get_array_member (json_node_get_object (response), "results"), 0);
  if (code != NULL)
    *code = json_object_has_member (result, "error")
            ? g_strdup (json_object_get_string_member (json_object_get_object_member (result, "error"), "code"))
            : NULL;
  return g_strdup (json_object_get_string_member (result, "status"));
}

/* Workers acknowledge but never edit rules; a manager's rule is applied,
 * and the server evaluates the next reading by it. */
static void
test_rule_roles (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *worker = fw_test_server_login (fixture->server, "worker");
  g_autofree char *manager = fw_test_server_login (fixture->server, "manager");
  g_autofree char *status = NULL;
  g_autofree char *code = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) resolved = NULL;
  g_autoptr(JsonNode) open = NULL;
  FwAlertRuleFields fields = {
    .farm_uuid = fixture->farm_uuid,
    .unit_uuid = fixture->unit_uuid,
    .kind = FW_ALERT_RULE_LIMITS,
    .parameter = FW_PARAMETER_DISSOLVED_OXYGEN,
    .enabled = TRUE,
    .note = (char *) "Pond 1 is aerated all night",
  };
  JsonNode *alert;

  run_sim (fixture);
  open = list_alerts (fixture, worker, NULL);
  g_assert_nonnull (find_crash_alert (open));

  fw_alert_settings_get_default ("channel_catfish", FW_PARAMETER_DISSOLVED_OXYGEN, &fields.settings);
  fields.settings.limits.critical_low = 0.5;
  fields.settings.limits.warning_low = 0.8;
  fields.settings.dawn_limit = NAN;

  status = push_rule (fixture, worker, &fields, &code);
  g_assert_cmpstr (status, ==, "rejected");
  g_assert_cmpstr (code, ==, "forbidden");

  g_clear_pointer (&status, g_free);
  g_clear_pointer (&code, g_free);
  status = push_rule (fixture, manager, &fields, &code);
  g_assert_cmpstr (status, ==, "applied");
  g_assert_null (code);

  /* 1.5 mg/L was critical by the species' defaults; by the new rule it is
   * past the off level, and the alert resolves. */
  body = g_strdup_printf ("{\"batches\":[{\"sensor\":\"%s\",\"times\":[%" G_GINT64_FORMAT "],\"values\":[1.5]}]}",
                          fixture->sensor_uuid, fixture->sim_now + 60);
  g_assert_cmpuint (fw_test_server_call (fixture->server, "POST", "/api/v1/ingest",
                                         fw_test_server_device_token (fixture->server), body, NULL, NULL), ==, 200);

  resolved = list_alerts (fixture, worker, "resolved");
  alert = find_crash_alert (resolved);
  g_assert_nonnull (alert);
  g_assert_nonnull (string_member (alert, "resolved_at"));
}

/* Pushes @alert as an upsert; returns the mutation's status. */
static char *
push_alert (Fixture    *fixture,
            const char *token,
            FwAlert    *alert)
{
  g_autoptr(JsonNode) record = fw_wire_encode_record (FW_RECORD (alert));
  g_autoptr(JsonNode) response = NULL;
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autofree char *record_text = json_to_string (record, FALSE);
  g_autofree char *body = g_strdup_printf ("{\"mutations\":[{\"mutation_id\":\"%s\",\"entity\":\"alert\","
                                           "\"op\":\"upsert\",\"base_revision\":0,\"record\":%s}]}",
                                           mutation_id, record_text);
  JsonObject *result;

  g_assert_cmpuint (fw_test_server_call (fixture->server, "POST", "/api/v1/sync/push", token, body, &response, NULL), ==, 200);
  result = json_array_get_object_element (json_object_get_array_member (json_node_get_object (response), "results"), 0);
  return g_strdup (json_object_get_string_member (result, "status"));
}

/* A worker reports what a manual sample showed: the server keeps it as
 * raised offline, and the acknowledgement as the worker's, whatever the
 * copy claims. */
static void
test_offline_alert (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *worker = fw_test_server_login (fixture->server, "worker");
  g_autoptr(FwAlert) alert = NULL;
  g_autoptr(FwAlert) acknowledged = NULL;
  g_autoptr(JsonNode) open = NULL;
  g_autoptr(JsonNode) all = NULL;
  g_autofree char *status = NULL;
  FwTime now = g_get_real_time () / G_USEC_PER_SEC;
  FwAlertFields fields = {
    .unit_uuid = fixture->unit_uuid,
    .parameter = FW_PARAMETER_DISSOLVED_OXYGEN,
    .condition = FW_ALERT_CONDITION_LOW,
    .severity = FW_SEVERITY_WARNING,
    .state = FW_ALERT_STATE_FIRING,
    .value = 2.6,
    .limit = 3.0,
    .started_at = now - 60,
    .raised_offline = FALSE,
  };
  JsonNode *stored = NULL;

  alert = fw_alert_new (NULL, &fields);
  status = push_alert (fixture, worker, alert);
  g_assert_cmpstr (status, ==, "applied");

  open = list_alerts (fixture, worker, "firing");
  for (guint i = 0; i < json_array_get_length (items (open)); i++)
    {
      JsonNode *node = json_array_get_element (items (open), i);

      if (g_strcmp0 (string_member (node, "id"), fw_record_get_uuid (FW_RECORD (alert))) == 0)
        stored = node;
    }
  g_assert_nonnull (stored);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (stored), "raised_offline"));
  g_assert_null (string_member (stored, "sensor_id"));

  acknowledged = fw_alert_acknowledge (alert, "somebody else", "Checked by hand", now);
  g_clear_pointer (&status, g_free);
  status = push_alert (fixture, worker, acknowledged);
  g_assert_cmpstr (status, ==, "applied");

  all = list_alerts (fixture, worker, "acknowledged");
  g_assert_cmpuint (json_array_get_length (items (all)), ==, 1);
  stored = json_array_get_element (items (all), 0);
  g_assert_cmpstr (string_member (stored, "acknowledged_by"), ==, "worker");
  g_assert_cmpstr (string_member (stored, "acknowledge_note"), ==, "Checked by hand");
}

/* Alerts are history: nobody archives one, and another farm's list is
 * as unknown as a farm that does not exist. */
static void
test_alert_history (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *admin = fw_test_server_login (fixture->server, "admin");
  g_autofree char *worker = fw_test_server_login (fixture->server, "worker");
  g_autofree char *other = g_uuid_string_random ();
  g_autofree char *path = g_strdup_printf ("/api/v1/farms/%s/alerts", other);
  g_autoptr(JsonNode) open = NULL;
  g_autoptr(JsonNode) response = NULL;
  g_autofree char *body = NULL;
  JsonObject *result;
  JsonNode *alert;

  g_assert_cmpuint (fw_test_server_call (fixture->server, "GET", path, worker, NULL, NULL, NULL), ==, 404);

  run_sim (fixture);
  open = list_alerts (fixture, worker, "open");
  alert = find_crash_alert (open);
  g_assert_nonnull (alert);

  body = g_strdup_printf ("{\"mutations\":[{\"mutation_id\":\"%s\",\"entity\":\"alert\",\"op\":\"delete\",\"id\":\"%s\"}]}",
                          other, string_member (alert, "id"));
  g_assert_cmpuint (fw_test_server_call (fixture->server, "POST", "/api/v1/sync/push", admin, body, &response, NULL), ==, 200);
  result = json_array_get_object_element (json_object_get_array_member (json_node_get_object (response), "results"), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "error"), "code"), ==, "forbidden");
}

/* How many alerts of @list are about @sensor_uuid's @condition; the last
 * one found in @found. */
static guint
count_alerts (JsonNode    *list,
              const char  *sensor_uuid,
              const char  *condition,
              JsonNode   **found)
{
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (items (list)); i++)
    {
      JsonNode *alert = json_array_get_element (items (list), i);

      if (g_strcmp0 (string_member (alert, "sensor_id"), sensor_uuid) == 0 &&
          g_strcmp0 (string_member (alert, "condition"), condition) == 0)
        {
          n++;
          if (found != NULL)
            *found = alert;
        }
    }

  return n;
}

static void
ingest_one (Fixture *fixture,
            FwTime   time,
            double   value)
{
  g_autofree char *body = NULL;
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  body = g_strdup_printf ("{\"batches\":[{\"sensor\":\"%s\",\"times\":[%" G_GINT64_FORMAT "],\"values\":[%s]}]}",
                          fixture->sensor_uuid, time, g_ascii_dtostr (number, sizeof number, value));
  g_assert_cmpuint (fw_test_server_call (fixture->server, "POST", "/api/v1/ingest",
                                         fw_test_server_device_token (fixture->server), body, NULL, NULL), ==, 200);
}

/* A restart in the middle of the crash: the open alert carries on, is not
 * raised a second time, and resolves when the water comes back. */
static void
test_restart (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *worker = fw_test_server_login (fixture->server, "worker");
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) during = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *alert_uuid = NULL;
  JsonNode *alert = NULL;

  run_sim (fixture);
  before = list_alerts (fixture, worker, "all");
  g_assert_cmpuint (count_alerts (before, fixture->sensor_uuid, "low", &alert), ==, 1);
  g_assert_cmpstr (string_member (alert, "severity"), ==, "critical");
  alert_uuid = g_strdup (string_member (alert, "id"));

  g_assert_cmpint (fw_test_server_halt (fixture->server), ==, 0);
  fw_test_server_restart (fixture->server);

  /* Still at the bottom: the same alert, still open. */
  ingest_one (fixture, fixture->sim_now + 60, 1.1);
  during = list_alerts (fixture, worker, "all");
  g_assert_cmpuint (count_alerts (during, fixture->sensor_uuid, "low", &alert), ==, 1);
  g_assert_cmpstr (string_member (alert, "id"), ==, alert_uuid);
  g_assert_cmpstr (string_member (alert, "state"), ==, "firing");

  /* The aerators won: past the off level, it resolves. */
  ingest_one (fixture, fixture->sim_now + 120, 6.0);
  after = list_alerts (fixture, worker, "all");
  g_assert_cmpuint (count_alerts (after, fixture->sensor_uuid, "low", &alert), ==, 1);
  g_assert_cmpstr (string_member (alert, "id"), ==, alert_uuid);
  g_assert_cmpstr (string_member (alert, "state"), ==, "resolved");
}

typedef struct
{
  Fixture    *fixture;
  const char *token;
  guint       found;
} SilenceWait;

static gboolean
silent_alert_raised_cb (gpointer user_data)
{
  SilenceWait *wait = user_data;
  g_autoptr(JsonNode) open = NULL;

  /* The server ticks once a second: no need to ask more often. */
  g_usleep (G_USEC_PER_SEC / 10);
  open = list_alerts (wait->fixture, wait->token, "open");

  wait->found = count_alerts (open, wait->fixture->sensor_uuid, "silent", NULL);
  return wait->found > 0;
}

/* Readings that ended hours ago: once the server ticks, the probe is
 * silent. It is noticed after a restart too, though it never reported to
 * the new process; a second restart raises no second alert; a reading
 * ends the silence. */
static void
test_silence (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *worker = fw_test_server_login (fixture->server, "worker");
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonNode) after = NULL;
  SilenceWait wait = { fixture, worker, 0 };
  JsonNode *alert = NULL;

  run_sim (fixture);

  g_assert_cmpint (fw_test_server_halt (fixture->server), ==, 0);
  g_free (fixture->server->serve_args);
  fixture->server->serve_args = g_strdup ("--alert-tick 1");
  fw_test_server_restart (fixture->server);

  fw_test_wait_until (silent_alert_raised_cb, &wait, "a silence alert");
  g_assert_cmpuint (wait.found, ==, 1);

  g_assert_cmpint (fw_test_server_halt (fixture->server), ==, 0);
  fw_test_server_restart (fixture->server);
  g_usleep (3 * G_USEC_PER_SEC);
  again = list_alerts (fixture, worker, "all");
  g_assert_cmpuint (count_alerts (again, fixture->sensor_uuid, "silent", NULL), ==, 1);

  ingest_one (fixture, g_get_real_time () / G_USEC_PER_SEC - 5, 8.0);
  after = list_alerts (fixture, worker, "all");
  g_assert_cmpuint (count_alerts (after, fixture->sensor_uuid, "silent", &alert), ==, 1);
  g_assert_cmpstr (string_member (alert, "state"), ==, "resolved");
}

int
main (int   argc,
      char *argv[])
{
  fw_test_init (&argc, &argv);
  fw_test_server_check_store ();

#define ADD(name, func) \
  g_test_add ("/alerts-e2e/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("oxygen-crash", test_oxygen_crash);
  ADD ("rule-roles", test_rule_roles);
  ADD ("history", test_alert_history);
  ADD ("offline-alert", test_offline_alert);
  ADD ("restart", test_restart);
  ADD ("silence", test_silence);

#undef ADD

  return g_test_run ();
}
