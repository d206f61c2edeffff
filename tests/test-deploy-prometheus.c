/* test-deploy-prometheus.c — the deployment view model against a real
 * Prometheus scraping two real fishwatch-server instances
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Debian's prometheus runs on loopback with a scrape and evaluation
 * interval of a second and the alert rules of deploy/prometheus, their
 * "for:" shortened to nothing. Skipped (77) when prometheus is not
 * installed.
 */

#include "config.h"

#include <math.h>
#include <signal.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>

#include "fw-core.h"
#include "fw-test-server.h"
#include "fw-test-util.h"

#define PROMETHEUS "/usr/bin/prometheus"

typedef struct
{
  char         *dir;
  FwTestServer *servers[2];
  GSubprocess  *prometheus;
  char         *prometheus_url;
  char         *admin;
} Fixture;

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static guint
free_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
}

/* deploy/prometheus's rules, firing at once instead of after minutes. */
static char *
write_rules (const char *dir)
{
  g_autofree char *source = g_build_filename (g_getenv ("FISHWATCH_DEPLOY"), "prometheus",
                                              "fishwatch-alerts.yml", NULL);
  g_autofree char *text = NULL;
  g_autofree char *quick = NULL;
  g_autoptr(GRegex) regex = g_regex_new ("for: *[0-9]+[smh]", 0, 0, NULL);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "rules.yml", NULL);

  g_file_get_contents (source, &text, NULL, &error);
  g_assert_no_error (error);
  quick = g_regex_replace_literal (regex, text, -1, 0, "for: 0s", 0, &error);
  g_assert_no_error (error);
  g_file_set_contents (path, quick, -1, &error);
  g_assert_no_error (error);
  return path;
}

static gboolean
prometheus_ready (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (fixture->prometheus_url, "/-/ready", NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, message, NULL, NULL);

  if (body == NULL || soup_message_get_status (message) != 200)
    {
      g_usleep (100000);
      return FALSE;
    }

  return TRUE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GString) config = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *rules = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *config_arg = NULL;
  g_autofree char *data_arg = NULL;
  g_autofree char *listen_arg = NULL;
  guint port = free_port ();

  fixture->dir = fw_test_make_tmpdir ();
  for (guint i = 0; i < G_N_ELEMENTS (fixture->servers); i++)
    fixture->servers[i] = fw_test_server_start ("--environment staging");
  fixture->admin = fw_test_server_login (fixture->servers[0], "admin");

  rules = write_rules (fixture->dir);
  g_string_append_printf (config,
                          "global:\n"
                          "  scrape_interval: 1s\n"
                          "  scrape_timeout: 1s\n"
                          "  evaluation_interval: 1s\n"
                          "rule_files:\n"
                          "  - %s\n"
                          "scrape_configs:\n"
                          "  - job_name: fishwatch\n"
                          "    static_configs:\n"
                          "      - targets: ['127.0.0.1:%u', '127.0.0.1:%u']\n",
                          rules, fixture->servers[0]->port, fixture->servers[1]->port);
  config_path = g_build_filename (fixture->dir, "prometheus.yml", NULL);
  g_file_set_contents (config_path, config->str, -1, &error);
  g_assert_no_error (error);

  data_dir = g_build_filename (fixture->dir, "data", NULL);
  log_path = g_build_filename (fixture->dir, "prometheus.log", NULL);
  listen = g_strdup_printf ("127.0.0.1:%u", port);
  config_arg = g_strconcat ("--config.file=", config_path, NULL);
  data_arg = g_strconcat ("--storage.tsdb.path=", data_dir, NULL);
  listen_arg = g_strconcat ("--web.listen-address=", listen, NULL);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, log_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, log_path);
  fixture->prometheus = g_subprocess_launcher_spawn (launcher, &error, PROMETHEUS, config_arg, data_arg,
                                                     listen_arg, "--web.enable-lifecycle", NULL);
  g_assert_no_error (error);
  fixture->prometheus_url = g_strdup_printf ("http://%s", listen);
  fw_test_wait_until (prometheus_ready, fixture, "Prometheus to be ready");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (fixture->prometheus, SIGTERM);
  g_subprocess_wait (fixture->prometheus, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&fixture->prometheus);

  for (guint i = 0; i < G_N_ELEMENTS (fixture->servers); i++)
    {
      if (fixture->servers[i] != NULL)
        fw_test_server_stop (fixture->servers[i]);
    }

  fw_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->prometheus_url);
  g_free (fixture->admin);
}

static void
refreshed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (fw_deploy_status_refresh_finish (FW_DEPLOY_STATUS (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
refresh (FwDeployStatus *status)
{
  gboolean done = FALSE;

  fw_deploy_status_refresh_async (status, NULL, refreshed_cb, &done);
  fw_test_wait_until (is_true, &done, "a refresh");
}

static gboolean
alert_firing (const FwDeploySnapshot *snapshot,
              const char             *name)
{
  for (guint i = 0; i < snapshot->alerts->len; i++)
    {
      FwDeployAlert *alert = g_ptr_array_index (snapshot->alerts, i);

      if (g_str_equal (alert->name, name) && g_str_equal (alert->state, "firing"))
        return TRUE;
    }

  return FALSE;
}

typedef gboolean (*SnapshotCheck) (const FwDeploySnapshot *snapshot);

/* Refreshes once a second until @check holds: Prometheus needs a scrape
 * or two, and an evaluation, to see a change. */
static const FwDeploySnapshot *
refresh_until (FwDeployStatus *status,
               SnapshotCheck   check,
               const char     *what)
{
  gint64 deadline = g_get_monotonic_time () + 45 * G_USEC_PER_SEC;

  for (;;)
    {
      const FwDeploySnapshot *snapshot;

      refresh (status);
      snapshot = fw_deploy_status_get_snapshot (status);
      if (check (snapshot))
        return snapshot;
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s; last: %s", what, snapshot->reason);
      g_usleep (G_USEC_PER_SEC);
    }
}

static gboolean
both_up (const FwDeploySnapshot *snapshot)
{
  return snapshot->instances_up == 2;
}

static gboolean
both_up_and_quiet (const FwDeploySnapshot *snapshot)
{
  return snapshot->instances_up == 2 && !isnan (snapshot->ingest_per_minute) &&
         snapshot->ingest_per_minute > 0 && snapshot->state == FW_DEPLOY_STATE_HEALTHY;
}

static gboolean
one_down_and_alerting (const FwDeploySnapshot *snapshot)
{
  return snapshot->instances_up == 1 && alert_firing (snapshot, "FishWatchInstanceDown") &&
         snapshot->targets_down->len == 1;
}

/* Readings reach each server, so "ingest stalled" stays quiet. */
static void
ingest_some (FwTestServer *server)
{
  const char *device = fw_test_server_device_token (server);
  g_autoptr(JsonNode) self = NULL;
  g_autoptr(JsonNode) response = NULL;
  g_autofree char *body = NULL;
  JsonArray *sensors;
  FwTime now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpuint (fw_test_server_call (server, "GET", "/api/v1/devices/self", device, NULL, &self, NULL), ==, 200);
  sensors = json_object_get_array_member (json_node_get_object (self), "sensors");
  body = g_strdup_printf ("{\"batches\":[{\"sensor\":\"%s\",\"start\":%" G_GINT64_FORMAT ",\"interval\":60,"
                          "\"values\":[6.5,6.4,6.3]}]}",
                          json_object_get_string_member (json_array_get_object_element (sensors, 0), "id"),
                          now - 300);
  g_assert_cmpuint (fw_test_server_call (server, "POST", "/api/v1/ingest", device, body, &response, NULL), ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (response), "accepted"), ==, 3);
}

static void
test_one_instance_stops (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(FwDeployConfig) config = fw_deploy_config_new ();
  g_autoptr(FwDeployStatus) status = NULL;
  const FwDeploySnapshot *snapshot;

  config->name = g_strdup ("Staging");
  config->tier = FW_DEPLOY_TIER_STAGING;
  config->api_url = g_strdup (fixture->servers[0]->base_url);
  config->api_token = g_strdup (fixture->admin);
  config->prometheus_url = g_strdup (fixture->prometheus_url);
  config->expected_instances = 2;
  config->timeout = 5;
  status = fw_deploy_status_new (config);

  /* Wait for a first scrape of both, so that the readings below count as
   * an increase. */
  refresh_until (status, both_up, "both instances up");
  ingest_some (fixture->servers[0]);
  ingest_some (fixture->servers[1]);

  snapshot = refresh_until (status, both_up_and_quiet, "a healthy staging");
  g_assert_true (snapshot->api_reachable);
  g_assert_true (snapshot->ready);
  g_assert_null (snapshot->api_error);
  g_assert_null (snapshot->prometheus_error);
  g_assert_cmpstr (snapshot->environment, ==, "staging");
  g_assert_nonnull (snapshot->version);
  g_assert_cmpint (snapshot->uptime_s, >=, 0);
  g_assert_cmpint (snapshot->instances_expected, ==, 2);
  g_assert_false (isnan (snapshot->request_rate));
  g_assert_cmpfloat (snapshot->error_ratio, ==, 0.0);
  g_assert_false (isnan (snapshot->latency_p95));
  g_assert_cmpuint (snapshot->targets_down->len, ==, 0);
  g_assert_cmpstr (snapshot->reason, ==, "All 2 instances up, no alert firing");

  /* The second instance stops, as systemd stops it. */
  g_assert_cmpint (fw_test_server_halt (fixture->servers[1]), ==, 0);

  snapshot = refresh_until (status, one_down_and_alerting, "1 of 2 up and the alert firing");
  g_assert_cmpint (snapshot->instances_up, ==, 1);
  g_assert_cmpint (snapshot->instances_expected, ==, 2);
  g_assert_cmpint (snapshot->state, ==, FW_DEPLOY_STATE_DEGRADED);
  g_assert_true (g_str_has_prefix (snapshot->reason, "1 of 2 instances up"));
  g_assert_nonnull (strstr (snapshot->reason, "FishWatchInstanceDown"));
  g_assert_nonnull (((FwDeployTarget *) g_ptr_array_index (snapshot->targets_down, 0))->last_error);
  g_assert_cmpstr (((FwDeployTarget *) g_ptr_array_index (snapshot->targets_down, 0))->last_error, !=, "");
  g_assert_false (fw_deploy_status_get_stale (status));
}

static void
checked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  int *answer = user_data;
  g_autoptr(GError) error = NULL;
  gboolean admin = fw_deploy_check_admin_finish (result, &error);

  g_assert_no_error (error);
  *answer = admin ? 1 : 0;
}

static gboolean
answered (gpointer data)
{
  return *(int *) data >= 0;
}

/* Only admins see the status; the app asks before it shows the view. */
static void
test_status_admins_only (Fixture       *fixture,
                         gconstpointer  data)
{
  FwTestServer *server = fixture->servers[0];
  g_autofree char *worker = fw_test_server_login (server, "worker");
  g_autofree char *manager = fw_test_server_login (server, "manager");
  g_autoptr(JsonNode) response = NULL;
  JsonObject *object;
  int answer = -1;

  g_assert_cmpuint (fw_test_server_call (server, "GET", "/api/v1/status", worker, NULL, &response, NULL), ==, 403);
  object = json_object_get_object_member (json_node_get_object (response), "error");
  g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, "forbidden");
  g_clear_pointer (&response, json_node_unref);
  g_assert_cmpuint (fw_test_server_call (server, "GET", "/api/v1/status", manager, NULL, NULL, NULL), ==, 403);
  g_assert_cmpuint (fw_test_server_call (server, "GET", "/api/v1/status", NULL, NULL, NULL, NULL), ==, 401);

  g_assert_cmpuint (fw_test_server_call (server, "GET", "/api/v1/status", fixture->admin, NULL, &response, NULL), ==, 200);
  object = json_node_get_object (response);
  g_assert_cmpstr (json_object_get_string_member (object, "environment"), ==, "staging");
  g_assert_true (json_object_get_boolean_member (object, "ready"));
  g_assert_cmpint (json_object_get_int_member (object, "uptime_seconds"), >=, 0);
  g_assert_nonnull (json_object_get_string_member (object, "commit"));

  fw_deploy_check_admin_async (server->base_url, worker, NULL, checked_cb, &answer);
  fw_test_wait_until (answered, &answer, "the worker's check");
  g_assert_cmpint (answer, ==, 0);

  answer = -1;
  fw_deploy_check_admin_async (server->base_url, fixture->admin, NULL, checked_cb, &answer);
  fw_test_wait_until (answered, &answer, "the admin's check");
  g_assert_cmpint (answer, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  fw_test_init (&argc, &argv);

  if (!g_file_test (PROMETHEUS, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_print ("%s is not installed: skipped\n", PROMETHEUS);
      return 77;
    }

  g_test_add ("/deploy-prometheus/one-instance-stops", Fixture, NULL,
              fixture_set_up, test_one_instance_stops, fixture_tear_down);
  g_test_add ("/deploy-prometheus/status-admins-only", Fixture, NULL,
              fixture_set_up, test_status_admins_only, fixture_tear_down);

  return g_test_run ();
}
