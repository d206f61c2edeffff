/* test-deploy-status.c — an environment's health from its sources
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The parsers read fixtures in the shapes of each API's documentation
 * (tests/data/deploy). The refresh runs against an in-process SoupServer
 * on loopback that plays the Fish Watch API, Prometheus, GitLab and
 * Elasticsearch, and answers wrongly on request: 401, 404, silence,
 * malformed JSON.
 */

#include "config.h"

#include <math.h>
#include <locale.h>
#include <libsoup/soup.h>

#include "fw-core.h"
#include "fw-test-util.h"

/* Parsers and the verdict, without a network */

static char *
read_fixture (const char *name,
              gsize      *length)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "deploy", name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, length, &error);
  g_assert_no_error (error);
  return text;
}

static void
test_parse_status (void)
{
  g_autoptr(FwDeploySnapshot) snapshot = fw_deploy_snapshot_new ();
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  g_autofree char *text = read_fixture ("status.json", &length);

  g_assert_true (fw_deploy_parse_status (text, length, snapshot, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (snapshot->version, ==, "0.4.0");
  g_assert_cmpstr (snapshot->commit, ==, "0.4.0-3-g1a2b3c4d");
  g_assert_cmpstr (snapshot->environment, ==, "staging");
  g_assert_cmpint (snapshot->uptime_s, ==, 5400);
  g_assert_true (snapshot->ready);

  g_assert_false (fw_deploy_parse_status ("{\"version\": 3}", -1, snapshot, &error));
  g_assert_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_false (fw_deploy_parse_status ("<html>", -1, snapshot, &error));
  g_assert_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_MALFORMED);
}

static void
test_parse_prometheus (void)
{
  g_autoptr(GPtrArray) alerts = g_ptr_array_new ();
  g_autoptr(GPtrArray) targets = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *up_text = NULL, *scalar_text = NULL, *empty_text = NULL, *nan_text = NULL;
  g_autofree char *bad_text = NULL, *alerts_text = NULL, *targets_text = NULL;
  gsize length = 0;
  int up = 0, total = 0;
  double value = 0;

  up_text = read_fixture ("prometheus-up.json", &length);
  g_assert_true (fw_deploy_parse_prometheus_up (up_text, length, &up, &total, &error));
  g_assert_no_error (error);
  g_assert_cmpint (up, ==, 1);
  g_assert_cmpint (total, ==, 2);

  scalar_text = read_fixture ("prometheus-scalar.json", &length);
  g_assert_true (fw_deploy_parse_prometheus_value (scalar_text, length, &value, &error));
  g_assert_cmpfloat_with_epsilon (value, 0.0125, 1e-9);

  /* No traffic: no value, and no error either. */
  empty_text = read_fixture ("prometheus-empty.json", &length);
  g_assert_true (fw_deploy_parse_prometheus_value (empty_text, length, &value, &error));
  g_assert_true (isnan (value));
  nan_text = read_fixture ("prometheus-nan.json", &length);
  g_assert_true (fw_deploy_parse_prometheus_value (nan_text, length, &value, &error));
  g_assert_true (isnan (value));

  /* A scalar result is the sample itself. */
  g_assert_true (fw_deploy_parse_prometheus_value (
    "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1.5,\"2\"]}}", -1, &value, &error));
  g_assert_cmpfloat (value, ==, 2.0);

  bad_text = read_fixture ("prometheus-bad-query.json", &length);
  g_assert_false (fw_deploy_parse_prometheus_value (bad_text, length, &value, &error));
  g_assert_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "parse error"));
  g_clear_error (&error);

  g_assert_false (fw_deploy_parse_prometheus_up ("{\"status\":\"success\"}", -1, &up, &total, &error));
  g_assert_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_false (fw_deploy_parse_prometheus_up (
    "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"value\":[1,2]}]}}", -1,
    &up, &total, &error));
  g_assert_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_MALFORMED);
  g_clear_error (&error);

  g_ptr_array_set_free_func (alerts, NULL);
  alerts_text = read_fixture ("prometheus-alerts.json", &length);
  {
    g_autoptr(FwDeploySnapshot) snapshot = fw_deploy_snapshot_new ();
    FwDeployAlert *alert;

    g_assert_true (fw_deploy_parse_prometheus_alerts (alerts_text, length, snapshot->alerts, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (snapshot->alerts->len, ==, 2);
    alert = g_ptr_array_index (snapshot->alerts, 0);
    g_assert_cmpstr (alert->name, ==, "FishWatchInstanceDown");
    g_assert_cmpstr (alert->state, ==, "firing");
    g_assert_cmpstr (alert->severity, ==, "critical");
    g_assert_cmpstr (alert->instance, ==, "127.0.0.1:8082");
    alert = g_ptr_array_index (snapshot->alerts, 1);
    g_assert_cmpstr (alert->state, ==, "pending");

    targets_text = read_fixture ("prometheus-targets.json", &length);
    g_assert_true (fw_deploy_parse_prometheus_targets (targets_text, length, "fishwatch",
                                                       snapshot->targets_down, &error));
    g_assert_no_error (error);
    /* The other job's target is not this environment's news. */
    g_assert_cmpuint (snapshot->targets_down->len, ==, 1);
    g_assert_cmpstr (((FwDeployTarget *) g_ptr_array_index (snapshot->targets_down, 0))->instance, ==,
                     "127.0.0.1:8082");
    g_assert_nonnull (strstr (((FwDeployTarget *) g_ptr_array_index (snapshot->targets_down, 0))->last_error,
                              "connection refused"));
  }

  g_assert_false (fw_deploy_parse_prometheus_alerts ("{\"status\":\"success\",\"data\":{}}", -1, alerts, &error));
  g_assert_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_false (fw_deploy_parse_prometheus_targets ("[]", -1, NULL, targets, &error));
  g_assert_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_MALFORMED);
}

static void
test_parse_gitlab (void)
{
  g_autoptr(FwDeploySnapshot) snapshot = fw_deploy_snapshot_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *deployments = NULL, *pipelines = NULL;
  gsize length = 0;

  deployments = read_fixture ("gitlab-deployments.json", &length);
  g_assert_true (fw_deploy_parse_gitlab_deployments (deployments, length, snapshot, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (snapshot->deploy_commit, ==, "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432");
  g_assert_cmpstr (snapshot->deploy_user, ==, "Release Bot");
  g_assert_cmpstr (snapshot->deploy_status, ==, "success");
  g_assert_cmpstr (snapshot->deploy_ref, ==, "main");
  g_assert_cmpint (snapshot->deploy_time, ==, 1795755341);

  pipelines = read_fixture ("gitlab-pipelines.json", &length);
  g_assert_true (fw_deploy_parse_gitlab_pipelines (pipelines, length, snapshot, &error));
  g_assert_cmpstr (snapshot->pipeline_status, ==, "failed");
  g_assert_cmpstr (snapshot->pipeline_url, ==, "https://gitlab.example.org/fishwatch/fishwatch/-/pipelines/55120");

  /* No deployment yet is not an error. */
  g_assert_true (fw_deploy_parse_gitlab_deployments ("[]", -1, snapshot, &error));
  g_assert_no_error (error);

  /* GitLab's error object where a list belongs. */
  g_assert_false (fw_deploy_parse_gitlab_deployments ("{\"message\":\"404 Project Not Found\"}", -1, snapshot, &error));
  g_assert_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_false (fw_deploy_parse_gitlab_pipelines ("[{\"id\": 3}]", -1, snapshot, &error));
  g_assert_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_MALFORMED);
}

static void
test_parse_elastic (void)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *count_text = NULL, *search_text = NULL;
  gsize length = 0;
  gint64 count = 0;

  count_text = read_fixture ("elastic-count.json", &length);
  g_assert_true (fw_deploy_parse_elastic_count (count_text, length, &count, &error));
  g_assert_cmpint (count, ==, 7);

  search_text = read_fixture ("elastic-search.json", &length);
  g_assert_true (fw_deploy_parse_elastic_search (search_text, length, messages, &error));
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (messages, 0), ==, "The store does not answer: database is locked");

  g_assert_false (fw_deploy_parse_elastic_count ("{\"count\":\"many\"}", -1, &count, &error));
  g_assert_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_MALFORMED);
  g_assert_cmpint (count, ==, -1);
  g_clear_error (&error);
  g_assert_false (fw_deploy_parse_elastic_search ("{\"hits\":7}", -1, messages, &error));
  g_assert_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_MALFORMED);
}

static FwDeploySnapshot *
healthy_snapshot (void)
{
  FwDeploySnapshot *snapshot = fw_deploy_snapshot_new ();

  snapshot->api_reachable = TRUE;
  snapshot->ready = TRUE;
  snapshot->commit = g_strdup ("1a2b3c4d");
  snapshot->prometheus_reachable = TRUE;
  snapshot->instances_up = 2;
  snapshot->instances_expected = 2;
  snapshot->request_rate = 12;
  snapshot->error_ratio = 0.001;
  snapshot->latency_p95 = 0.08;
  return snapshot;
}

static void
test_evaluate (void)
{
  g_autoptr(FwDeploySnapshot) snapshot = healthy_snapshot ();
  FwDeployAlert *alert;

  fw_deploy_snapshot_evaluate (snapshot);
  g_assert_cmpint (snapshot->state, ==, FW_DEPLOY_STATE_HEALTHY);
  g_assert_cmpstr (snapshot->reason, ==, "All 2 instances up, no alert firing");

  snapshot->instances_up = 1;
  fw_deploy_snapshot_evaluate (snapshot);
  g_assert_cmpint (snapshot->state, ==, FW_DEPLOY_STATE_DEGRADED);
  g_assert_cmpstr (snapshot->reason, ==, "1 of 2 instances up");

  alert = g_new0 (FwDeployAlert, 1);
  alert->name = g_strdup ("FishWatchInstanceDown");
  alert->state = g_strdup ("firing");
  g_ptr_array_add (snapshot->alerts, alert);
  snapshot->error_ratio = 0.2;
  fw_deploy_snapshot_evaluate (snapshot);
  g_assert_cmpstr (snapshot->reason, ==,
                   "1 of 2 instances up; 1 alert firing: FishWatchInstanceDown; 20.0% of requests fail (5xx)");

  /* Prometheus that watches nothing cannot vouch for anything. */
  {
    g_autoptr(FwDeploySnapshot) blind = healthy_snapshot ();

    blind->instances_up = 0;
    blind->instances_expected = 0;
    fw_deploy_snapshot_evaluate (blind);
    g_assert_cmpint (blind->state, ==, FW_DEPLOY_STATE_DEGRADED);
    g_assert_cmpstr (blind->reason, ==, "Prometheus scrapes no instance of the job “fishwatch”");
  }

  /* Down outranks degraded, and its reason comes first. */
  snapshot->instances_up = 0;
  fw_deploy_snapshot_evaluate (snapshot);
  g_assert_cmpint (snapshot->state, ==, FW_DEPLOY_STATE_DOWN);
  g_assert_true (g_str_has_prefix (snapshot->reason, "No instance up (0 of 2)"));

  g_clear_pointer (&snapshot, fw_deploy_snapshot_free);
  snapshot = healthy_snapshot ();
  snapshot->ready = FALSE;
  fw_deploy_snapshot_evaluate (snapshot);
  g_assert_cmpint (snapshot->state, ==, FW_DEPLOY_STATE_DOWN);

  /* Without Prometheus, health cannot be confirmed. */
  g_clear_pointer (&snapshot, fw_deploy_snapshot_free);
  snapshot = healthy_snapshot ();
  snapshot->prometheus_reachable = FALSE;
  snapshot->prometheus_error = g_strdup ("Prometheus: connection refused");
  fw_deploy_snapshot_evaluate (snapshot);
  g_assert_cmpint (snapshot->state, ==, FW_DEPLOY_STATE_DEGRADED);
  g_assert_cmpstr (snapshot->reason, ==, "Prometheus: connection refused");

  /* Nothing answered: not known, not "down". */
  snapshot->api_reachable = FALSE;
  snapshot->api_error = g_strdup ("Fish Watch API: connection refused");
  fw_deploy_snapshot_evaluate (snapshot);
  g_assert_cmpint (snapshot->state, ==, FW_DEPLOY_STATE_UNKNOWN);
  g_assert_nonnull (strstr (snapshot->reason, "Fish Watch API: connection refused"));

  /* GitLab's word matters only when it contradicts the server. */
  g_clear_pointer (&snapshot, fw_deploy_snapshot_free);
  snapshot = healthy_snapshot ();
  snapshot->gitlab_configured = TRUE;
  snapshot->gitlab_error = g_strdup ("GitLab: token refused (401)");
  fw_deploy_snapshot_evaluate (snapshot);
  g_assert_cmpint (snapshot->state, ==, FW_DEPLOY_STATE_HEALTHY);
  snapshot->deploy_commit = g_strdup ("9f8e7d6c5b4a39281706f5e4d3c2b1a098765432");
  snapshot->commit_mismatch = TRUE;
  fw_deploy_snapshot_evaluate (snapshot);
  g_assert_cmpint (snapshot->state, ==, FW_DEPLOY_STATE_DEGRADED);
  g_assert_cmpstr (snapshot->reason, ==, "Runs 1a2b3c4d, but GitLab deployed 9f8e7d6c");
}

static void
test_helpers (void)
{
  g_autofree char *updated = NULL;

  g_assert_true (fw_deploy_commits_match ("1a2b3c4", "1a2b3c4d5e6f"));
  g_assert_true (fw_deploy_commits_match ("0.4.0-3-g1a2b3c4d-dirty", "1A2B3C4D5E6F"));
  g_assert_false (fw_deploy_commits_match ("0.4.0-3-g1a2b3c4d", "9f8e7d6c5b4a"));
  /* Unknown is not a mismatch. */
  g_assert_true (fw_deploy_commits_match ("unknown", "9f8e7d6c5b4a"));
  g_assert_true (fw_deploy_commits_match (NULL, "9f8e7d6c5b4a"));

  g_assert_cmpuint (fw_deploy_next_refresh_delay (60, 0, 0.5), ==, 60);
  g_assert_cmpuint (fw_deploy_next_refresh_delay (60, 1, 0.5), ==, 60);
  g_assert_cmpuint (fw_deploy_next_refresh_delay (60, 6, 0.0), ==, 80);
  g_assert_cmpuint (fw_deploy_next_refresh_delay (60, 30, 0.99), <=, 900);
  g_assert_cmpuint (fw_deploy_next_refresh_delay (60, 30, 0.99), >, 800);

  updated = fw_deploy_format_updated (1000, 1012);
  g_assert_cmpstr (updated, ==, "Updated 12 s ago");
  g_clear_pointer (&updated, g_free);
  updated = fw_deploy_format_updated (0, 1012);
  g_assert_cmpstr (updated, ==, "Not updated yet");
}

static void
test_config (void)
{
  g_autoptr(FwDeployConfig) config = fw_deploy_config_new ();
  g_autoptr(FwDeployConfig) back = NULL;
  g_autoptr(GVariant) variant = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *printed = NULL;

  g_assert_false (fw_deploy_config_validate (config, &error));
  g_assert_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_INVALID);
  g_clear_error (&error);

  config->name = g_strdup ("Staging");
  config->tier = FW_DEPLOY_TIER_STAGING;
  config->api_url = g_strdup ("https://staging.fishwatch.example.org");
  config->api_token = g_strdup ("not-in-settings");
  config->prometheus_url = g_strdup ("ftp://prometheus");
  g_assert_false (fw_deploy_config_validate (config, &error));
  g_assert_true (g_str_has_prefix (error->message, "Prometheus URL"));
  g_clear_error (&error);

  g_free (config->prometheus_url);
  config->prometheus_url = g_strdup ("http://127.0.0.1:9090");
  config->gitlab_url = g_strdup ("https://gitlab.example.org");
  config->gitlab_token = g_strdup ("glpat-not-in-settings");
  g_assert_false (fw_deploy_config_validate (config, &error));
  g_assert_true (g_str_has_prefix (error->message, "GitLab project"));
  g_clear_error (&error);

  config->gitlab_project = g_strdup ("fishwatch/fishwatch");
  config->expected_instances = 2;
  g_assert_true (fw_deploy_config_validate (config, &error));
  g_assert_no_error (error);

  variant = g_variant_ref_sink (fw_deploy_config_to_variant (config));
  back = fw_deploy_config_from_variant (variant);
  g_assert_cmpstr (back->name, ==, "Staging");
  g_assert_cmpint (back->tier, ==, FW_DEPLOY_TIER_STAGING);
  g_assert_cmpstr (back->prometheus_url, ==, "http://127.0.0.1:9090");
  g_assert_cmpstr (back->gitlab_project, ==, "fishwatch/fishwatch");
  g_assert_cmpuint (back->expected_instances, ==, 2);
  g_assert_null (back->elastic_url);
  /* Tokens belong in the keyring, never in settings. */
  g_assert_null (back->api_token);
  g_assert_null (back->gitlab_token);
  printed = g_variant_print (variant, FALSE);
  g_assert_null (strstr (printed, "not-in-settings"));
}

/* The sources, played by a SoupServer */

typedef struct
{
  guint  status;
  char  *body;       /* NULL: the fixture */
  gboolean hang;     /* never answer */
} Answer;

typedef struct
{
  SoupServer *server;
  char       *url;
  GHashTable *answers;  /* path suffix → Answer */
  GPtrArray  *paused;
  GPtrArray  *requests; /* "METHOD path?query" */
} Fake;

static void
answer_free (Answer *answer)
{
  g_free (answer->body);
  g_free (answer);
}

static const char *
fixture_for (const char *path,
             const char *query)
{
  g_autofree char *decoded = query != NULL ? g_uri_unescape_string (query, NULL) : NULL;

  if (g_str_equal (path, "/api/v1/status"))
    return "status.json";
  if (g_str_equal (path, "/api/v1/query"))
    return decoded != NULL && g_str_has_prefix (decoded, "query=up{") ? "prometheus-up.json" : "prometheus-scalar.json";
  if (g_str_equal (path, "/api/v1/alerts"))
    return "prometheus-alerts.json";
  if (g_str_equal (path, "/api/v1/targets"))
    return "prometheus-targets.json";
  if (g_str_has_suffix (path, "/deployments"))
    return "gitlab-deployments.json";
  if (g_str_has_suffix (path, "/pipelines"))
    return "gitlab-pipelines.json";
  if (g_str_has_suffix (path, "/_count"))
    return "elastic-count.json";
  if (g_str_has_suffix (path, "/_search"))
    return "elastic-search.json";
  return NULL;
}

static void
fake_handler_cb (SoupServer        *server,
                 SoupServerMessage *message,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  Fake *fake = user_data;
  GUri *uri = soup_server_message_get_uri (message);
  const char *raw_path = g_uri_get_path (uri);
  const char *raw_query = g_uri_get_query (uri);
  g_autofree char *body = NULL;
  GHashTableIter iter;
  gpointer key, value;
  Answer *answer = NULL;
  const char *fixture;
  gsize length = 0;

  {
    SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
    const char *authorization = soup_message_headers_get_one (headers, "Authorization");
    const char *gitlab_token = soup_message_headers_get_one (headers, "PRIVATE-TOKEN");

    g_ptr_array_add (fake->requests, g_strdup_printf ("%s %s?%s auth=%s", soup_server_message_get_method (message),
                                                      raw_path, raw_query ?: "",
                                                      authorization ?: gitlab_token ?: ""));
  }

  g_hash_table_iter_init (&iter, fake->answers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (g_str_has_suffix (raw_path, key))
        answer = value;
    }

  if (answer != NULL && answer->hang)
    {
      soup_server_message_pause (message);
      g_ptr_array_add (fake->paused, g_object_ref (message));
      return;
    }

  if (answer != NULL && answer->body != NULL)
    {
      soup_server_message_set_status (message, answer->status, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY,
                                        answer->body, strlen (answer->body));
      return;
    }

  if (g_str_equal (raw_path, "/readyz"))
    {
      soup_server_message_set_status (message, answer != NULL ? answer->status : 200, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
      return;
    }

  fixture = fixture_for (raw_path, raw_query);
  if (fixture == NULL)
    {
      soup_server_message_set_status (message, 404, NULL);
      return;
    }

  body = read_fixture (fixture, &length);
  soup_server_message_set_status (message, answer != NULL ? answer->status : 200, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, body, length);
}

static void
fake_set_up (Fake          *fake,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fake->server = soup_server_new (NULL, NULL);
  fake->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) answer_free);
  fake->paused = g_ptr_array_new_with_free_func (g_object_unref);
  fake->requests = g_ptr_array_new_with_free_func (g_free);
  soup_server_add_handler (fake->server, NULL, fake_handler_cb, fake, NULL);
  soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (fake->server);
  fake->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
fake_tear_down (Fake          *fake,
                gconstpointer  data)
{
  for (guint i = 0; i < fake->paused->len; i++)
    {
      SoupServerMessage *message = g_ptr_array_index (fake->paused, i);

      soup_server_message_set_status (message, 504, NULL);
      soup_server_message_unpause (message);
    }
  soup_server_disconnect (fake->server);
  g_clear_object (&fake->server);
  g_clear_pointer (&fake->answers, g_hash_table_unref);
  g_clear_pointer (&fake->paused, g_ptr_array_unref);
  g_clear_pointer (&fake->requests, g_ptr_array_unref);
  g_free (fake->url);
}

static void
fake_answer (Fake       *fake,
             const char *suffix,
             guint       status,
             const char *body)
{
  Answer *answer = g_new0 (Answer, 1);

  answer->status = status;
  answer->body = g_strdup (body);
  g_hash_table_replace (fake->answers, g_strdup (suffix), answer);
}

static void
fake_hang (Fake       *fake,
           const char *suffix)
{
  Answer *answer = g_new0 (Answer, 1);

  answer->hang = TRUE;
  g_hash_table_replace (fake->answers, g_strdup (suffix), answer);
}

static FwDeployConfig *
fake_config (Fake *fake)
{
  FwDeployConfig *config = fw_deploy_config_new ();

  config->name = g_strdup ("Staging");
  config->tier = FW_DEPLOY_TIER_STAGING;
  config->api_url = g_strdup (fake->url);
  config->api_token = g_strdup ("admin-session");
  config->prometheus_url = g_strdup_printf ("%s/", fake->url);
  config->gitlab_url = g_strdup (fake->url);
  config->gitlab_project = g_strdup ("fishwatch/fishwatch");
  config->gitlab_token = g_strdup ("glpat-test");
  config->elastic_url = g_strdup (fake->url);
  config->elastic_api_key = g_strdup ("es-key");
  config->kibana_url = g_strdup ("https://kibana.example.org");
  config->timeout = 2;
  return config;
}

static void
refreshed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GError **error = user_data;

  fw_deploy_status_refresh_finish (FW_DEPLOY_STATUS (source), result, error);
  if (*error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "done");
}

static gboolean
error_set (gpointer data)
{
  return *(GError **) data != NULL;
}

/* Runs one refresh to its end. */
static const FwDeploySnapshot *
refresh (FwDeployStatus *status)
{
  g_autoptr(GError) done = NULL;

  fw_deploy_status_refresh_async (status, NULL, refreshed_cb, &done);
  g_assert_true (fw_deploy_status_get_refreshing (status));
  fw_test_wait_until (error_set, &done, "the refresh");
  g_assert_error (done, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_assert_false (fw_deploy_status_get_refreshing (status));
  return fw_deploy_status_get_snapshot (status);
}

static FwDeployStatus *
fake_status (Fake *fake)
{
  g_autoptr(FwDeployConfig) config = fake_config (fake);

  return fw_deploy_status_new (config);
}

static gboolean
fake_saw (Fake       *fake,
          const char *prefix)
{
  for (guint i = 0; i < fake->requests->len; i++)
    {
      if (g_str_has_prefix (g_ptr_array_index (fake->requests, i), prefix))
        return TRUE;
    }

  return FALSE;
}

static void
test_refresh_all_sources (Fake          *fake,
                          gconstpointer  data)
{
  g_autoptr(FwDeployStatus) status = fake_status (fake);
  const FwDeploySnapshot *snapshot;

  g_assert_cmpint (fw_deploy_status_get_state (status), ==, FW_DEPLOY_STATE_UNKNOWN);
  g_assert_cmpstr (fw_deploy_status_get_reason (status), ==, "Not checked yet");

  snapshot = refresh (status);
  g_assert_nonnull (snapshot);
  g_assert_true (snapshot->api_reachable);
  g_assert_true (snapshot->ready);
  g_assert_null (snapshot->api_error);
  g_assert_cmpstr (snapshot->version, ==, "0.4.0");
  g_assert_cmpint (snapshot->uptime_s, ==, 5400);

  g_assert_true (snapshot->prometheus_reachable);
  g_assert_null (snapshot->prometheus_error);
  g_assert_cmpint (snapshot->instances_up, ==, 1);
  g_assert_cmpint (snapshot->instances_expected, ==, 2);
  g_assert_cmpfloat_with_epsilon (snapshot->request_rate, 0.0125, 1e-9);
  g_assert_cmpuint (snapshot->alerts->len, ==, 2);
  g_assert_cmpuint (snapshot->targets_down->len, ==, 1);

  g_assert_null (snapshot->gitlab_error);
  g_assert_cmpstr (snapshot->deploy_user, ==, "Release Bot");
  g_assert_cmpstr (snapshot->pipeline_status, ==, "failed");
  g_assert_true (snapshot->commit_mismatch);
  /* The environment's deployments, and the pipelines of the deployed ref.
   * (The project goes out as one segment, fishwatch%2Ffishwatch, which
   * SoupServer decodes before we see it.) */
  g_assert_true (fake_saw (fake, "GET /api/v4/projects/fishwatch/fishwatch/deployments?environment=staging"));
  g_assert_nonnull (strstr (g_ptr_array_index (fake->requests, fake->requests->len - 4), "auth=glpat-test"));
  g_assert_true (fake_saw (fake, "GET /api/v4/projects/fishwatch/fishwatch/pipelines?"));
  g_assert_nonnull (strstr (g_ptr_array_index (fake->requests, fake->requests->len - 3), "&ref=main"));

  g_assert_null (snapshot->elastic_error);
  g_assert_cmpint (snapshot->error_logs, ==, 7);
  g_assert_cmpuint (snapshot->error_messages->len, ==, 2);
  g_assert_true (g_str_has_prefix (snapshot->kibana_link, "https://kibana.example.org/app/discover#/"));
  g_assert_true (fake_saw (fake, "POST /fishwatch-staging-*/_count? auth=ApiKey es-key"));
  g_assert_true (fake_saw (fake, "GET /api/v1/status? auth=Bearer admin-session"));
  /* Readiness needs no token: it is what a load balancer asks. */
  g_assert_true (fake_saw (fake, "GET /readyz? auth="));

  g_assert_cmpint (snapshot->state, ==, FW_DEPLOY_STATE_DEGRADED);
  g_assert_true (g_str_has_prefix (snapshot->reason, "1 of 2 instances up; 1 alert firing: FishWatchInstanceDown"));
  g_assert_nonnull (strstr (snapshot->reason, "GitLab deployed 9f8e7d6c"));
  g_assert_false (fw_deploy_status_get_stale (status));
}

typedef struct
{
  const char *suffix;
  guint       status;
  const char *body;      /* NULL with status 0: never answer */
  const char *message;
} SourceFault;

static const char *
source_error (const FwDeploySnapshot *snapshot,
              const char             *suffix)
{
  if (g_str_has_suffix (suffix, "/deployments") || g_str_has_suffix (suffix, "/pipelines"))
    return snapshot->gitlab_error;
  if (g_str_has_suffix (suffix, "_count") || g_str_has_suffix (suffix, "_search"))
    return snapshot->elastic_error;
  if (g_str_has_prefix (suffix, "/api/v1/status"))
    return snapshot->api_error;
  return snapshot->prometheus_error;
}

static void
test_refresh_faults (Fake          *fake,
                     gconstpointer  data)
{
  static const SourceFault faults[] = {
    { "/deployments", 401, "{\"message\":\"401 Unauthorized\"}", "GitLab: token refused (401)" },
    { "/deployments", 404, "{\"message\":\"404 Project Not Found\"}", "GitLab: not found (404)" },
    { "/deployments", 200, "[{\"sha\": \"9f8e", "GitLab: malformed answer" },
    { "/deployments", 200, "{\"message\":\"surprise\"}", "GitLab: malformed answer (deployments)" },
    { "/pipelines", 500, "{\"message\":\"500 Internal Server Error\"}", "GitLab: server error (500)" },
    { "/deployments", 0, NULL, "GitLab: no answer within 2 s" },
    { "/_count", 401, "{\"error\":{\"type\":\"security_exception\"},\"status\":401}",
      "Elasticsearch: token refused (401)" },
    { "/_count", 404, "{\"error\":{\"type\":\"index_not_found_exception\"},\"status\":404}",
      "Elasticsearch: not found (404)" },
    { "/_count", 200, "{\"count\": ", "Elasticsearch: malformed answer" },
    { "/_search", 200, "<html>gateway</html>", "Elasticsearch: malformed answer" },
    { "/_count", 0, NULL, "Elasticsearch: no answer within 2 s" },
    { "/api/v1/alerts", 200, "{\"status\":\"success\",\"data\":{}}",
      "Prometheus: malformed answer (data.alerts)" },
    { "/api/v1/query", 400, "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}",
      "Prometheus: query refused (parse error)" },
    { "/api/v1/targets", 0, NULL, "Prometheus: no answer within 2 s" },
    { "/api/v1/status", 403, "{\"error\":{\"code\":\"forbidden\",\"message\":\"Admins only\"}}",
      "Fish Watch API: administrators only (403)" },
    { "/api/v1/status", 200, "{\"version\": [1]}", "Fish Watch API: malformed answer (version)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autoptr(FwDeployStatus) status = fake_status (fake);
      const FwDeploySnapshot *snapshot;

      g_test_message ("%s answers %u: %s", faults[i].suffix, faults[i].status, faults[i].message);
      g_hash_table_remove_all (fake->answers);
      if (faults[i].body == NULL)
        fake_hang (fake, faults[i].suffix);
      else
        fake_answer (fake, faults[i].suffix, faults[i].status, faults[i].body);

      snapshot = refresh (status);
      g_assert_cmpstr (source_error (snapshot, faults[i].suffix), ==, faults[i].message);
      /* Never a blank verdict. */
      g_assert_nonnull (snapshot->reason);
      g_assert_cmpstr (snapshot->reason, !=, "");
      g_assert_cmpint (snapshot->state, !=, FW_DEPLOY_STATE_UNKNOWN);
    }
}

static guint
closed_port (void)
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

static void
test_refresh_refused (void)
{
  g_autoptr(FwDeployConfig) config = fw_deploy_config_new ();
  g_autoptr(FwDeployStatus) status = NULL;
  const FwDeploySnapshot *snapshot;

  config->name = g_strdup ("Production");
  config->tier = FW_DEPLOY_TIER_PRODUCTION;
  config->api_url = g_strdup_printf ("http://127.0.0.1:%u", closed_port ());
  config->prometheus_url = g_strdup_printf ("http://127.0.0.1:%u", closed_port ());
  config->timeout = 2;
  status = fw_deploy_status_new (config);

  snapshot = refresh (status);
  g_assert_cmpstr (snapshot->api_error, ==, "Fish Watch API: connection refused");
  g_assert_cmpstr (snapshot->prometheus_error, ==, "Prometheus: connection refused");
  g_assert_cmpint (snapshot->state, ==, FW_DEPLOY_STATE_UNKNOWN);
  g_assert_cmpuint (fw_deploy_status_get_failures (status), ==, 1);
  /* Nothing to keep yet: not stale, just unknown. */
  g_assert_false (fw_deploy_status_get_stale (status));
}

/* Settings edited by hand may lack an address: said, not crashed on. */
static void
test_refresh_unset (void)
{
  g_autoptr(FwDeployConfig) config = fw_deploy_config_new ();
  g_autoptr(FwDeployStatus) status = NULL;
  const FwDeploySnapshot *snapshot;

  config->name = g_strdup ("Development");
  status = fw_deploy_status_new (config);
  snapshot = refresh (status);
  g_assert_cmpstr (snapshot->api_error, ==, "Fish Watch API: no address set");
  g_assert_cmpstr (snapshot->prometheus_error, ==, "Prometheus: no address set");
  g_assert_cmpint (snapshot->state, ==, FW_DEPLOY_STATE_UNKNOWN);
}

/* Offline after a good refresh: the last snapshot stays, marked stale. */
static void
test_refresh_stale (Fake          *fake,
                    gconstpointer  data)
{
  g_autoptr(FwDeployStatus) status = fake_status (fake);
  const FwDeploySnapshot *first;
  FwTime fetched_at;

  first = refresh (status);
  fetched_at = first->fetched_at;
  g_assert_cmpint (fw_deploy_status_get_state (status), ==, FW_DEPLOY_STATE_DEGRADED);

  soup_server_disconnect (fake->server);
  refresh (status);
  g_assert_true (fw_deploy_status_get_stale (status));
  g_assert_nonnull (strstr (fw_deploy_status_get_stale_reason (status), "connection refused"));
  g_assert_cmpint (fw_deploy_status_get_snapshot (status)->fetched_at, ==, fetched_at);
  g_assert_cmpint (fw_deploy_status_get_state (status), ==, FW_DEPLOY_STATE_DEGRADED);
  g_assert_cmpuint (fw_deploy_status_get_failures (status), ==, 1);
}

static void
test_refresh_cancelled (Fake          *fake,
                        gconstpointer  data)
{
  g_autoptr(FwDeployStatus) status = fake_status (fake);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) done = NULL;

  fake_hang (fake, "/readyz");
  fw_deploy_status_refresh_async (status, cancellable, refreshed_cb, &done);
  g_cancellable_cancel (cancellable);
  fw_test_wait_until (error_set, &done, "the cancelled refresh");
  g_assert_error (done, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (fw_deploy_status_get_snapshot (status));
}

/* What a refresh saw survives a restart, and shows as stale until the
 * next refresh. */
static void
test_snapshot_json (Fake          *fake,
                    gconstpointer  data)
{
  g_autoptr(FwDeployStatus) status = fake_status (fake);
  g_autoptr(FwDeployStatus) later = fake_status (fake);
  g_autoptr(FwDeploySnapshot) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) broken = json_from_string ("{\"version\": \"1\"}", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const FwDeploySnapshot *snapshot = refresh (status);

  node = fw_deploy_snapshot_to_json (snapshot);
  text = json_to_string (node, FALSE);
  g_assert_nonnull (strstr (text, "\"ingest_per_minute\":0.0125"));

  /* JSON has no NaN: a figure Prometheus had no value for is null. */
  {
    g_autoptr(FwDeploySnapshot) empty = fw_deploy_snapshot_new ();
    g_autoptr(JsonNode) empty_node = NULL;
    g_autoptr(FwDeploySnapshot) empty_back = NULL;
    g_autofree char *empty_text = NULL;

    empty->fetched_at = 1795755341;
    empty_node = fw_deploy_snapshot_to_json (empty);
    empty_text = json_to_string (empty_node, FALSE);
    g_assert_nonnull (strstr (empty_text, "\"latency_p95\":null"));
    empty_back = fw_deploy_snapshot_from_json (empty_node, &error);
    g_assert_no_error (error);
    g_assert_true (isnan (empty_back->latency_p95));
  }
  back = fw_deploy_snapshot_from_json (node, &error);
  g_assert_no_error (error);

  g_assert_cmpint (back->fetched_at, ==, snapshot->fetched_at);
  g_assert_cmpstr (back->version, ==, snapshot->version);
  g_assert_cmpint (back->instances_up, ==, 1);
  g_assert_cmpuint (back->alerts->len, ==, 2);
  g_assert_cmpuint (back->targets_down->len, ==, 1);
  g_assert_cmpstr (back->deploy_user, ==, "Release Bot");
  g_assert_true (back->commit_mismatch);
  g_assert_cmpint (back->error_logs, ==, 7);
  g_assert_cmpuint (back->error_messages->len, ==, 2);
  g_assert_cmpfloat_with_epsilon (back->request_rate, snapshot->request_rate, 1e-9);
  g_assert_cmpint (back->state, ==, snapshot->state);
  g_assert_cmpstr (back->reason, ==, snapshot->reason);

  fw_deploy_status_restore (later, g_steal_pointer (&back), "Kept from an earlier run");
  g_assert_true (fw_deploy_status_get_stale (later));
  g_assert_cmpstr (fw_deploy_status_get_stale_reason (later), ==, "Kept from an earlier run");
  g_assert_cmpint (fw_deploy_status_get_state (later), ==, FW_DEPLOY_STATE_DEGRADED);
  refresh (later);
  g_assert_false (fw_deploy_status_get_stale (later));

  g_assert_null (fw_deploy_snapshot_from_json (broken, &error));
  g_assert_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_MALFORMED);
}

static void
test_create_destroy (void)
{
  g_autoptr(FwDeployConfig) config = fw_deploy_config_new ();
  FwDeployStatus *status;

  config->name = g_strdup ("Development");
  status = fw_deploy_status_new (config);
  g_assert_cmpstr (fw_deploy_status_get_config (status)->name, ==, "Development");
  g_assert_finalize_object (status);
}

int
main (int   argc,
      char *argv[])
{
  fw_test_init (&argc, &argv);

  g_test_add_func ("/deploy-status/create-destroy", test_create_destroy);
  g_test_add_func ("/deploy-status/parse-status", test_parse_status);
  g_test_add_func ("/deploy-status/parse-prometheus", test_parse_prometheus);
  g_test_add_func ("/deploy-status/parse-gitlab", test_parse_gitlab);
  g_test_add_func ("/deploy-status/parse-elastic", test_parse_elastic);
  g_test_add_func ("/deploy-status/evaluate", test_evaluate);
  g_test_add_func ("/deploy-status/helpers", test_helpers);
  g_test_add_func ("/deploy-status/config", test_config);
  g_test_add ("/deploy-status/refresh/all-sources", Fake, NULL, fake_set_up, test_refresh_all_sources, fake_tear_down);
  g_test_add ("/deploy-status/refresh/faults", Fake, NULL, fake_set_up, test_refresh_faults, fake_tear_down);
  g_test_add_func ("/deploy-status/refresh/refused", test_refresh_refused);
  g_test_add_func ("/deploy-status/refresh/unset", test_refresh_unset);
  g_test_add ("/deploy-status/refresh/stale", Fake, NULL, fake_set_up, test_refresh_stale, fake_tear_down);
  g_test_add ("/deploy-status/snapshot-json", Fake, NULL, fake_set_up, test_snapshot_json, fake_tear_down);
  g_test_add ("/deploy-status/refresh/cancelled", Fake, NULL, fake_set_up, test_refresh_cancelled, fake_tear_down);

  return g_test_run ();
}
