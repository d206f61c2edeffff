/* fw-deploy-snapshot.c — what one look at a deployment environment saw
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plain data and pure functions, testable without a network: where an
 * environment is watched from (FwDeployConfig, kept in GSettings without
 * its tokens), the parsers of each source's documented answers, the
 * verdict over a snapshot with its reason, and the JSON a snapshot is kept
 * in between runs. fw-deploy-status.c fetches; this file judges.
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include <glib/gi18n-lib.h>

#include "fw-deploy-snapshot.h"
#include "fw-sync.h"

/* Above these an environment is degraded; the alert rules in
 * deploy/prometheus say the same over longer windows. */
#define MAX_ERROR_RATIO 0.05
#define MAX_LATENCY_P95 1.0
#define MAX_REFRESH_DELAY 900

G_DEFINE_QUARK (fw-deploy-error-quark, fw_deploy_error)
G_DEFINE_BOXED_TYPE (FwDeployConfig, fw_deploy_config, fw_deploy_config_copy, fw_deploy_config_free)

static const char * const tier_names[] = { "development", "staging", "production" };

const char *
fw_deploy_tier_to_string (FwDeployTier tier)
{
  g_return_val_if_fail ((guint) tier < G_N_ELEMENTS (tier_names), NULL);

  return tier_names[tier];
}

gboolean
fw_deploy_tier_from_string (const char   *text,
                            FwDeployTier *tier)
{
  for (guint i = 0; i < G_N_ELEMENTS (tier_names); i++)
    {
      if (g_strcmp0 (text, tier_names[i]) == 0)
        {
          *tier = (FwDeployTier) i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
fw_deploy_tier_get_label (FwDeployTier tier)
{
  switch (tier)
    {
    case FW_DEPLOY_TIER_DEVELOPMENT:
      return _("Development");
    case FW_DEPLOY_TIER_STAGING:
      return _("Staging");
    case FW_DEPLOY_TIER_PRODUCTION:
      return _("Production");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
fw_deploy_state_get_label (FwDeployState state)
{
  switch (state)
    {
    case FW_DEPLOY_STATE_HEALTHY:
      return _("Healthy");
    case FW_DEPLOY_STATE_DEGRADED:
      return _("Degraded");
    case FW_DEPLOY_STATE_DOWN:
      return _("Down");
    case FW_DEPLOY_STATE_UNKNOWN:
    default:
      return _("Unknown");
    }
}

/* Config */

FwDeployConfig *
fw_deploy_config_new (void)
{
  return g_new0 (FwDeployConfig, 1);
}

FwDeployConfig *
fw_deploy_config_copy (const FwDeployConfig *config)
{
  FwDeployConfig *copy;

  g_return_val_if_fail (config != NULL, NULL);

  copy = g_new0 (FwDeployConfig, 1);
  copy->id = g_strdup (config->id);
  copy->name = g_strdup (config->name);
  copy->tier = config->tier;
  copy->api_url = g_strdup (config->api_url);
  copy->api_token = g_strdup (config->api_token);
  copy->prometheus_url = g_strdup (config->prometheus_url);
  copy->expected_instances = config->expected_instances;
  copy->gitlab_url = g_strdup (config->gitlab_url);
  copy->gitlab_project = g_strdup (config->gitlab_project);
  copy->gitlab_token = g_strdup (config->gitlab_token);
  copy->elastic_url = g_strdup (config->elastic_url);
  copy->elastic_api_key = g_strdup (config->elastic_api_key);
  copy->kibana_url = g_strdup (config->kibana_url);
  copy->timeout = config->timeout;
  return copy;
}

void
fw_deploy_config_free (FwDeployConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->id);
  g_free (config->name);
  g_free (config->api_url);
  g_free (config->api_token);
  g_free (config->prometheus_url);
  g_free (config->gitlab_url);
  g_free (config->gitlab_project);
  g_free (config->gitlab_token);
  g_free (config->elastic_url);
  g_free (config->elastic_api_key);
  g_free (config->kibana_url);
  g_free (config);
}

static void
add_string_entry (GVariantBuilder *builder,
                  const char      *key,
                  const char      *value)
{
  g_variant_builder_add (builder, "{sv}", key, g_variant_new_string (value != NULL ? value : ""));
}

/**
 * fw_deploy_config_to_variant:
 *
 * Returns: (transfer floating): an `a{sv}` for the settings, without the
 *   tokens
 */
GVariant *
fw_deploy_config_to_variant (const FwDeployConfig *config)
{
  GVariantBuilder builder;

  g_return_val_if_fail (config != NULL, NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  add_string_entry (&builder, "id", config->id);
  add_string_entry (&builder, "name", config->name);
  add_string_entry (&builder, "tier", fw_deploy_tier_to_string (config->tier));
  add_string_entry (&builder, "api-url", config->api_url);
  add_string_entry (&builder, "prometheus-url", config->prometheus_url);
  g_variant_builder_add (&builder, "{sv}", "expected-instances", g_variant_new_uint32 (config->expected_instances));
  add_string_entry (&builder, "gitlab-url", config->gitlab_url);
  add_string_entry (&builder, "gitlab-project", config->gitlab_project);
  add_string_entry (&builder, "elastic-url", config->elastic_url);
  add_string_entry (&builder, "kibana-url", config->kibana_url);
  return g_variant_builder_end (&builder);
}

static char *
dup_vardict_string (GVariantDict *dict,
                    const char   *key)
{
  const char *value = NULL;

  if (!g_variant_dict_lookup (dict, key, "&s", &value) || value == NULL || *value == '\0')
    return NULL;

  return g_strdup (value);
}

/**
 * fw_deploy_config_from_variant:
 * @variant: an `a{sv}` as fw_deploy_config_to_variant() makes
 *
 * Returns: (transfer full): the environment; unknown keys are ignored and
 *   missing ones left empty
 */
FwDeployConfig *
fw_deploy_config_from_variant (GVariant *variant)
{
  g_autoptr(GVariantDict) dict = NULL;
  g_autofree char *tier = NULL;
  FwDeployConfig *config;
  guint32 expected = 0;

  g_return_val_if_fail (variant != NULL, NULL);
  g_return_val_if_fail (g_variant_is_of_type (variant, G_VARIANT_TYPE_VARDICT), NULL);

  dict = g_variant_dict_new (variant);
  config = fw_deploy_config_new ();
  config->id = dup_vardict_string (dict, "id");
  if (config->id == NULL)
    config->id = g_uuid_string_random ();
  config->name = dup_vardict_string (dict, "name");
  tier = dup_vardict_string (dict, "tier");
  if (!fw_deploy_tier_from_string (tier, &config->tier))
    config->tier = FW_DEPLOY_TIER_DEVELOPMENT;
  config->api_url = dup_vardict_string (dict, "api-url");
  config->prometheus_url = dup_vardict_string (dict, "prometheus-url");
  if (g_variant_dict_lookup (dict, "expected-instances", "u", &expected))
    config->expected_instances = expected;
  config->gitlab_url = dup_vardict_string (dict, "gitlab-url");
  config->gitlab_project = dup_vardict_string (dict, "gitlab-project");
  config->elastic_url = dup_vardict_string (dict, "elastic-url");
  config->kibana_url = dup_vardict_string (dict, "kibana-url");
  return config;
}

static gboolean
is_http_url (const char *text)
{
  g_autoptr(GUri) uri = NULL;

  if (text == NULL)
    return FALSE;

  uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  return uri != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0' &&
         (g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 || g_strcmp0 (g_uri_get_scheme (uri), "https") == 0);
}

static gboolean
is_set (const char *text)
{
  return text != NULL && *text != '\0';
}

/**
 * fw_deploy_config_validate:
 *
 * Returns: %TRUE when the environment can be watched; otherwise @error
 *   names the field to fix
 */
gboolean
fw_deploy_config_validate (const FwDeployConfig  *config,
                           GError               **error)
{
  g_return_val_if_fail (config != NULL, FALSE);

  if (!is_set (config->name))
    {
      g_set_error_literal (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_INVALID, _("The environment needs a name"));
      return FALSE;
    }

  if (!is_set (config->api_url))
    {
      g_set_error_literal (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_INVALID,
                           _("API URL: the address of the environment’s Fish Watch server is needed"));
      return FALSE;
    }

  if (!is_http_url (config->api_url))
    {
      g_set_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_INVALID,
                   _("API URL: “%s” is not an address such as https://fishwatch.example.org"),
                   config->api_url ?: "");
      return FALSE;
    }

  if (!is_set (config->prometheus_url))
    {
      g_set_error_literal (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_INVALID,
                           _("Prometheus URL: the address of the Prometheus that watches it is needed"));
      return FALSE;
    }

  if (!is_http_url (config->prometheus_url))
    {
      g_set_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_INVALID,
                   _("Prometheus URL: “%s” is not an address such as https://prometheus.example.org"),
                   config->prometheus_url ?: "");
      return FALSE;
    }

  if (is_set (config->gitlab_url) && !is_http_url (config->gitlab_url))
    {
      g_set_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_INVALID,
                   _("GitLab URL: “%s” is not an address"), config->gitlab_url);
      return FALSE;
    }

  if (is_set (config->gitlab_url) && !is_set (config->gitlab_project))
    {
      g_set_error_literal (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_INVALID,
                           _("GitLab project: name the project, such as group/fishwatch"));
      return FALSE;
    }

  if (is_set (config->elastic_url) && !is_http_url (config->elastic_url))
    {
      g_set_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_INVALID,
                   _("Elasticsearch URL: “%s” is not an address"), config->elastic_url);
      return FALSE;
    }

  if (is_set (config->kibana_url) && !is_http_url (config->kibana_url))
    {
      g_set_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_INVALID,
                   _("Kibana URL: “%s” is not an address"), config->kibana_url);
      return FALSE;
    }

  return TRUE;
}

/* Snapshot */

static void
deploy_alert_free (FwDeployAlert *alert)
{
  g_free (alert->name);
  g_free (alert->state);
  g_free (alert->severity);
  g_free (alert->summary);
  g_free (alert->instance);
  g_free (alert);
}

static void
deploy_target_free (FwDeployTarget *target)
{
  g_free (target->instance);
  g_free (target->last_error);
  g_free (target);
}

FwDeploySnapshot *
fw_deploy_snapshot_new (void)
{
  FwDeploySnapshot *snapshot = g_new0 (FwDeploySnapshot, 1);

  snapshot->uptime_s = -1;
  snapshot->instances_up = -1;
  snapshot->instances_expected = -1;
  snapshot->request_rate = NAN;
  snapshot->error_ratio = NAN;
  snapshot->latency_p95 = NAN;
  snapshot->ingest_per_minute = NAN;
  snapshot->alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) deploy_alert_free);
  snapshot->targets_down = g_ptr_array_new_with_free_func ((GDestroyNotify) deploy_target_free);
  snapshot->error_logs = -1;
  snapshot->error_messages = g_ptr_array_new_with_free_func (g_free);
  snapshot->state = FW_DEPLOY_STATE_UNKNOWN;
  return snapshot;
}

void
fw_deploy_snapshot_free (FwDeploySnapshot *snapshot)
{
  if (snapshot == NULL)
    return;

  g_free (snapshot->version);
  g_free (snapshot->commit);
  g_free (snapshot->environment);
  g_free (snapshot->api_error);
  g_clear_pointer (&snapshot->alerts, g_ptr_array_unref);
  g_clear_pointer (&snapshot->targets_down, g_ptr_array_unref);
  g_free (snapshot->prometheus_error);
  g_free (snapshot->deploy_commit);
  g_free (snapshot->deploy_ref);
  g_free (snapshot->deploy_user);
  g_free (snapshot->deploy_status);
  g_free (snapshot->pipeline_status);
  g_free (snapshot->pipeline_url);
  g_free (snapshot->gitlab_error);
  g_clear_pointer (&snapshot->error_messages, g_ptr_array_unref);
  g_free (snapshot->kibana_link);
  g_free (snapshot->elastic_error);
  g_free (snapshot->reason);
  g_free (snapshot);
}

/* Parsers */

static void
set_malformed (GError     **error,
               const char  *what)
{
  /* TRANSLATORS: %s says what was missing or wrong in a server's answer */
  g_set_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_MALFORMED, _("malformed answer (%s)"), what);
}

static JsonNode *
parse_json (const char  *text,
            gssize       length,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (text == NULL || !json_parser_load_from_data (parser, text, length, NULL) ||
      json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_MALFORMED, _("malformed answer"));
      return NULL;
    }

  return json_parser_steal_root (parser);
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
array_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
int_member (JsonObject *object,
            const char *name,
            gint64     *value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    *value = json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *value = (gint64) json_node_get_double (node);
  else
    return FALSE;

  return TRUE;
}

static FwTime
parse_iso_time (const char *text)
{
  g_autoptr(GDateTime) time = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return time != NULL ? g_date_time_to_unix (time) : 0;
}

/**
 * fw_deploy_parse_status:
 *
 * Reads GET /api/v1/status of a Fish Watch server.
 */
gboolean
fw_deploy_parse_status (const char        *text,
                        gssize             length,
                        FwDeploySnapshot  *snapshot,
                        GError           **error)
{
  g_autoptr(JsonNode) root = parse_json (text, length, error);
  JsonObject *object;
  JsonNode *ready;
  gint64 uptime = -1;

  g_return_val_if_fail (snapshot != NULL, FALSE);

  if (root == NULL)
    return FALSE;

  object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (string_member (object, "version") == NULL)
    {
      set_malformed (error, "version");
      return FALSE;
    }

  g_free (snapshot->version);
  snapshot->version = g_strdup (string_member (object, "version"));
  g_free (snapshot->commit);
  snapshot->commit = g_strdup (string_member (object, "commit"));
  g_free (snapshot->environment);
  snapshot->environment = g_strdup (string_member (object, "environment"));
  if (int_member (object, "uptime_seconds", &uptime) || int_member (object, "uptime_s", &uptime))
    snapshot->uptime_s = uptime;

  ready = object != NULL ? json_object_get_member (object, "ready") : NULL;
  if (ready != NULL && JSON_NODE_HOLDS_VALUE (ready) && json_node_get_value_type (ready) == G_TYPE_BOOLEAN)
    snapshot->ready = json_node_get_boolean (ready);

  return TRUE;
}

/* The "data" of a Prometheus HTTP API answer with "status": "success". */
static JsonNode *
prometheus_data (const char  *text,
                 gssize       length,
                 GError     **error)
{
  g_autoptr(JsonNode) root = parse_json (text, length, error);
  JsonObject *object;
  JsonNode *data;

  if (root == NULL)
    return NULL;

  object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (g_strcmp0 (string_member (object, "status"), "error") == 0)
    {
      /* TRANSLATORS: Prometheus refused a query; %s is its own reason */
      g_set_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_SERVER, _("query refused (%s)"),
                   string_member (object, "error") ?: string_member (object, "errorType") ?: "?");
      return NULL;
    }

  data = object != NULL ? json_object_get_member (object, "data") : NULL;
  if (g_strcmp0 (string_member (object, "status"), "success") != 0 || data == NULL)
    {
      set_malformed (error, "status, data");
      return NULL;
    }

  return json_node_ref (data);
}

/* A sample is [ <unix time>, "<value>" ]. */
static gboolean
sample_value (JsonArray *sample,
              double    *value)
{
  const char *text;
  char *end = NULL;

  if (sample == NULL || json_array_get_length (sample) != 2)
    return FALSE;

  text = json_node_get_value_type (json_array_get_element (sample, 1)) == G_TYPE_STRING
         ? json_array_get_string_element (sample, 1) : NULL;
  if (text == NULL)
    return FALSE;

  *value = g_ascii_strtod (text, &end);
  return end != NULL && end != text && *end == '\0';
}

/* The "result" of an instant query: a vector (array of series) or a
 * scalar. */
static JsonNode *
prometheus_result (const char  *text,
                   gssize       length,
                   GError     **error)
{
  g_autoptr(JsonNode) data = prometheus_data (text, length, error);
  JsonObject *object;
  JsonNode *result;

  if (data == NULL)
    return NULL;

  object = JSON_NODE_HOLDS_OBJECT (data) ? json_node_get_object (data) : NULL;
  result = object != NULL ? json_object_get_member (object, "result") : NULL;
  if (result == NULL || string_member (object, "resultType") == NULL)
    {
      set_malformed (error, "data.result");
      return NULL;
    }

  return json_node_ref (result);
}

/**
 * fw_deploy_parse_prometheus_value:
 * @value: (out): the query's one value; NAN when it has none (no traffic
 *   yet, or a ratio of nothing)
 *
 * Reads GET /api/v1/query of an expression with one value at most.
 */
gboolean
fw_deploy_parse_prometheus_value (const char  *text,
                                  gssize       length,
                                  double      *value,
                                  GError     **error)
{
  g_autoptr(JsonNode) result = prometheus_result (text, length, error);
  JsonArray *series;

  *value = NAN;
  if (result == NULL)
    return FALSE;

  /* A vector is a list of series objects; a scalar, one [time, "value"]. */
  if (JSON_NODE_HOLDS_ARRAY (result) &&
      (json_array_get_length (json_node_get_array (result)) == 0 ||
       JSON_NODE_HOLDS_OBJECT (json_array_get_element (json_node_get_array (result), 0))))
    {
      JsonNode *first;

      series = json_node_get_array (result);
      if (json_array_get_length (series) == 0)
        return TRUE;

      first = json_array_get_element (series, 0);
      if (!JSON_NODE_HOLDS_OBJECT (first) ||
          !sample_value (array_member (json_node_get_object (first), "value"), value))
        {
          set_malformed (error, "value");
          return FALSE;
        }
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (result) || !sample_value (json_node_get_array (result), value))
    {
      set_malformed (error, "value");
      return FALSE;
    }

  return TRUE;
}

/**
 * fw_deploy_parse_prometheus_up:
 *
 * Reads the answer to `up{job="…"}`: one series an instance, 1 when its
 * last scrape worked.
 */
gboolean
fw_deploy_parse_prometheus_up (const char  *text,
                               gssize       length,
                               int         *up,
                               int         *total,
                               GError     **error)
{
  g_autoptr(JsonNode) result = prometheus_result (text, length, error);
  JsonArray *series;

  *up = -1;
  *total = -1;
  if (result == NULL)
    return FALSE;

  if (!JSON_NODE_HOLDS_ARRAY (result))
    {
      set_malformed (error, "vector");
      return FALSE;
    }

  series = json_node_get_array (result);
  *up = 0;
  *total = 0;
  for (guint i = 0; i < json_array_get_length (series); i++)
    {
      JsonNode *node = json_array_get_element (series, i);
      double value = 0;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          !sample_value (array_member (json_node_get_object (node), "value"), &value))
        {
          set_malformed (error, "value");
          *up = *total = -1;
          return FALSE;
        }
      (*total)++;
      if (value >= 1)
        (*up)++;
    }

  return TRUE;
}

/**
 * fw_deploy_parse_prometheus_alerts:
 * @alerts: (element-type FwDeployAlert): where the alerts go, firing ones
 *   first
 *
 * Reads GET /api/v1/alerts.
 */
gboolean
fw_deploy_parse_prometheus_alerts (const char  *text,
                                   gssize       length,
                                   GPtrArray   *alerts,
                                   GError     **error)
{
  g_autoptr(JsonNode) data = prometheus_data (text, length, error);
  g_autoptr(GPtrArray) pending = g_ptr_array_new ();
  JsonArray *list;

  if (data == NULL)
    return FALSE;

  list = JSON_NODE_HOLDS_OBJECT (data) ? array_member (json_node_get_object (data), "alerts") : NULL;
  if (list == NULL)
    {
      set_malformed (error, "data.alerts");
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonObject *labels = object_member (object, "labels");
      JsonObject *annotations = object_member (object, "annotations");
      FwDeployAlert *alert;

      if (string_member (labels, "alertname") == NULL || string_member (object, "state") == NULL)
        {
          set_malformed (error, "alertname, state");
          return FALSE;
        }

      /* "inactive" alerts are not news. */
      if (g_strcmp0 (string_member (object, "state"), "firing") != 0 &&
          g_strcmp0 (string_member (object, "state"), "pending") != 0)
        continue;

      alert = g_new0 (FwDeployAlert, 1);
      alert->name = g_strdup (string_member (labels, "alertname"));
      alert->state = g_strdup (string_member (object, "state"));
      alert->severity = g_strdup (string_member (labels, "severity"));
      alert->instance = g_strdup (string_member (labels, "instance"));
      alert->summary = g_strdup (string_member (annotations, "summary"));
      if (g_str_equal (alert->state, "firing"))
        g_ptr_array_add (alerts, alert);
      else
        g_ptr_array_add (pending, alert);
    }

  for (guint i = 0; i < pending->len; i++)
    g_ptr_array_add (alerts, g_ptr_array_index (pending, i));

  return TRUE;
}

/**
 * fw_deploy_parse_prometheus_targets:
 * @job: (nullable): only this job's targets
 * @targets_down: (element-type FwDeployTarget): the targets whose last
 *   scrape failed, with Prometheus's reason
 *
 * Reads GET /api/v1/targets.
 */
gboolean
fw_deploy_parse_prometheus_targets (const char  *text,
                                    gssize       length,
                                    const char  *job,
                                    GPtrArray   *targets_down,
                                    GError     **error)
{
  g_autoptr(JsonNode) data = prometheus_data (text, length, error);
  JsonArray *active;

  if (data == NULL)
    return FALSE;

  active = JSON_NODE_HOLDS_OBJECT (data) ? array_member (json_node_get_object (data), "activeTargets") : NULL;
  if (active == NULL)
    {
      set_malformed (error, "data.activeTargets");
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (active); i++)
    {
      JsonNode *node = json_array_get_element (active, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonObject *labels = object_member (object, "labels");
      FwDeployTarget *target;

      if (string_member (object, "health") == NULL)
        {
          set_malformed (error, "health");
          return FALSE;
        }

      if (job != NULL && g_strcmp0 (string_member (labels, "job"), job) != 0)
        continue;
      if (g_strcmp0 (string_member (object, "health"), "down") != 0)
        continue;

      target = g_new0 (FwDeployTarget, 1);
      target->instance = g_strdup (string_member (labels, "instance") ?: string_member (object, "scrapeUrl"));
      target->last_error = g_strdup (string_member (object, "lastError"));
      g_ptr_array_add (targets_down, target);
    }

  return TRUE;
}

static JsonObject *
first_object (JsonNode    *root,
              const char  *what,
              GError     **error)
{
  JsonArray *array;
  JsonNode *first;

  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      set_malformed (error, what);
      return NULL;
    }

  array = json_node_get_array (root);
  if (json_array_get_length (array) == 0)
    return NULL;

  first = json_array_get_element (array, 0);
  if (!JSON_NODE_HOLDS_OBJECT (first))
    {
      set_malformed (error, what);
      return NULL;
    }

  return json_node_get_object (first);
}

/**
 * fw_deploy_parse_gitlab_deployments:
 *
 * Reads GitLab's GET /projects/:id/deployments, newest first: the first
 * is the last deployment. An empty list is no deployment yet.
 */
gboolean
fw_deploy_parse_gitlab_deployments (const char        *text,
                                    gssize             length,
                                    FwDeploySnapshot  *snapshot,
                                    GError           **error)
{
  g_autoptr(JsonNode) root = parse_json (text, length, error);
  g_autoptr(GError) local_error = NULL;
  JsonObject *deployment;
  JsonObject *user;

  g_return_val_if_fail (snapshot != NULL, FALSE);

  if (root == NULL)
    return FALSE;

  deployment = first_object (root, "deployments", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (deployment == NULL)
    return TRUE;

  if (string_member (deployment, "sha") == NULL || string_member (deployment, "status") == NULL)
    {
      set_malformed (error, "sha, status");
      return FALSE;
    }

  user = object_member (deployment, "user");
  g_free (snapshot->deploy_commit);
  snapshot->deploy_commit = g_strdup (string_member (deployment, "sha"));
  g_free (snapshot->deploy_ref);
  snapshot->deploy_ref = g_strdup (string_member (deployment, "ref"));
  g_free (snapshot->deploy_status);
  snapshot->deploy_status = g_strdup (string_member (deployment, "status"));
  g_free (snapshot->deploy_user);
  snapshot->deploy_user = g_strdup (string_member (user, "name") ?: string_member (user, "username"));
  snapshot->deploy_time = parse_iso_time (string_member (deployment, "updated_at") ?:
                                          string_member (deployment, "created_at"));
  return TRUE;
}

/**
 * fw_deploy_parse_gitlab_pipelines:
 *
 * Reads GitLab's GET /projects/:id/pipelines, newest first.
 */
gboolean
fw_deploy_parse_gitlab_pipelines (const char        *text,
                                  gssize             length,
                                  FwDeploySnapshot  *snapshot,
                                  GError           **error)
{
  g_autoptr(JsonNode) root = parse_json (text, length, error);
  g_autoptr(GError) local_error = NULL;
  JsonObject *pipeline;

  g_return_val_if_fail (snapshot != NULL, FALSE);

  if (root == NULL)
    return FALSE;

  pipeline = first_object (root, "pipelines", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (pipeline == NULL)
    return TRUE;

  if (string_member (pipeline, "status") == NULL)
    {
      set_malformed (error, "status");
      return FALSE;
    }

  g_free (snapshot->pipeline_status);
  snapshot->pipeline_status = g_strdup (string_member (pipeline, "status"));
  g_free (snapshot->pipeline_url);
  snapshot->pipeline_url = g_strdup (string_member (pipeline, "web_url"));
  return TRUE;
}

/**
 * fw_deploy_parse_elastic_count:
 *
 * Reads Elasticsearch's POST /<index>/_count.
 */
gboolean
fw_deploy_parse_elastic_count (const char  *text,
                               gssize       length,
                               gint64      *count,
                               GError     **error)
{
  g_autoptr(JsonNode) root = parse_json (text, length, error);
  JsonObject *object;

  *count = -1;
  if (root == NULL)
    return FALSE;

  object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (!int_member (object, "count", count) || *count < 0)
    {
      *count = -1;
      set_malformed (error, "count");
      return FALSE;
    }

  return TRUE;
}

/**
 * fw_deploy_parse_elastic_search:
 * @messages: (element-type utf8): where each hit's message goes
 *
 * Reads Elasticsearch's POST /<index>/_search (hits.hits[]._source).
 */
gboolean
fw_deploy_parse_elastic_search (const char  *text,
                                gssize       length,
                                GPtrArray   *messages,
                                GError     **error)
{
  g_autoptr(JsonNode) root = parse_json (text, length, error);
  JsonObject *object;
  JsonArray *hits;

  if (root == NULL)
    return FALSE;

  object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  hits = array_member (object_member (object, "hits"), "hits");
  if (hits == NULL)
    {
      set_malformed (error, "hits.hits");
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (hits); i++)
    {
      JsonNode *node = json_array_get_element (hits, i);
      JsonObject *source = JSON_NODE_HOLDS_OBJECT (node) ? object_member (json_node_get_object (node), "_source") : NULL;
      const char *message = string_member (source, "message");

      if (message != NULL)
        g_ptr_array_add (messages, g_strdup (message));
    }

  return TRUE;
}

/* "0.1.0-12-g8fba8e3-dirty" → "8fba8e3"; a bare hash stays as it is. */
static char *
extract_hash (const char *revision)
{
  g_autofree char *text = g_ascii_strdown (revision, -1);
  const char *start = text;
  const char *g = strstr (text, "-g");
  const char *end;

  if (g != NULL)
    start = g + 2;

  end = start;
  while (g_ascii_isxdigit (*end))
    end++;

  if (end - start < 7)
    return NULL;

  return g_strndup (start, end - start);
}

/**
 * fw_deploy_commits_match:
 * @running: the commit the server says it was built from (a hash or `git
 *   describe`)
 * @deployed: the commit GitLab deployed, in full
 *
 * Returns: %FALSE only when both are known and differ
 */
gboolean
fw_deploy_commits_match (const char *running,
                         const char *deployed)
{
  g_autofree char *short_hash = NULL;
  g_autofree char *full = NULL;

  if (running == NULL || deployed == NULL)
    return TRUE;

  short_hash = extract_hash (running);
  full = g_ascii_strdown (deployed, -1);
  if (short_hash == NULL || strlen (full) < 7)
    return TRUE;

  return g_str_has_prefix (full, short_hash) || g_str_has_prefix (short_hash, full);
}

/**
 * fw_deploy_next_refresh_delay:
 * @interval: seconds between refreshes while all is well
 * @failures: refreshes in a row that reached nothing
 * @jitter: a random number in [0, 1)
 *
 * The same backoff as sync, never sooner than the interval, so that a
 * page left open on an unreachable network asks less and less often.
 *
 * Returns: seconds until the next refresh
 */
guint
fw_deploy_next_refresh_delay (guint  interval,
                              guint  failures,
                              double jitter)
{
  if (failures == 0)
    return interval;

  return MAX (interval, MIN (fw_sync_backoff_delay (failures, 0, jitter), MAX_REFRESH_DELAY));
}

/**
 * fw_deploy_format_updated:
 *
 * Returns: (transfer full): "Updated 12 s ago", or "Not updated yet"
 */
char *
fw_deploy_format_updated (FwTime fetched_at,
                          FwTime now)
{
  gint64 age = MAX (now - fetched_at, 0);

  if (fetched_at <= 0)
    return g_strdup (_("Not updated yet"));

  if (age < 120)
    /* TRANSLATORS: how old a deployment's figures are, in seconds */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Updated %d s ago", "Updated %d s ago", (int) age),
                            (int) age);

  if (age < 7200)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Updated %d min ago", "Updated %d min ago",
                                         (int) (age / 60)),
                            (int) (age / 60));

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Updated %d hour ago", "Updated %d hours ago",
                                       (int) (age / 3600)),
                          (int) (age / 3600));
}

/* The overall state */

static void
add_reason (GPtrArray     *reasons,
            FwDeployState *state,
            FwDeployState  at_least,
            char          *reason)
{
  /* The worst news goes first. */
  if (at_least > *state)
    g_ptr_array_insert (reasons, 0, reason);
  else
    g_ptr_array_add (reasons, reason);
  *state = MAX (*state, at_least);
}

/* Counts the firing alerts, and names each kind once (one alert per
 * instance down is still one name). */
static guint
count_firing (const FwDeploySnapshot *snapshot,
              GString                *names)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = 0;

  for (guint i = 0; i < snapshot->alerts->len; i++)
    {
      FwDeployAlert *alert = g_ptr_array_index (snapshot->alerts, i);

      if (!g_str_equal (alert->state, "firing"))
        continue;
      if (g_hash_table_add (seen, alert->name))
        {
          if (names->len > 0)
            g_string_append (names, ", ");
          g_string_append (names, alert->name);
        }
      n++;
    }

  return n;
}

/**
 * fw_deploy_snapshot_evaluate:
 *
 * Sets the snapshot's state and reason from what it holds: down when no
 * instance serves, degraded when some do not or the figures are bad or a
 * source needed for the verdict failed, healthy otherwise, unknown when
 * nothing answered. GitLab and Elasticsearch inform the card but never
 * make the verdict, except a deployed commit that is not the one running.
 */
void
fw_deploy_snapshot_evaluate (FwDeploySnapshot *snapshot)
{
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  FwDeployState state = FW_DEPLOY_STATE_HEALTHY;
  g_autoptr(GString) firing_names = g_string_new (NULL);
  guint firing;

  g_return_if_fail (snapshot != NULL);

  g_clear_pointer (&snapshot->reason, g_free);

  if (!snapshot->api_reachable && !snapshot->prometheus_reachable)
    {
      snapshot->state = FW_DEPLOY_STATE_UNKNOWN;
      /* TRANSLATORS: neither source of an environment answered; the
       * messages name each source and its problem */
      snapshot->reason = g_strdup_printf (_("No answer: %s; %s"),
                                          snapshot->api_error ?: _("Fish Watch API: no answer"),
                                          snapshot->prometheus_error ?: _("Prometheus: no answer"));
      return;
    }

  if (snapshot->prometheus_reachable && snapshot->prometheus_error == NULL && snapshot->instances_expected == 0)
    add_reason (reasons, &state, FW_DEPLOY_STATE_DEGRADED,
                g_strdup_printf (_("Prometheus scrapes no instance of the job “%s”"), FW_DEPLOY_PROMETHEUS_JOB));
  else if (snapshot->prometheus_reachable && snapshot->instances_expected > 0 && snapshot->instances_up == 0)
    add_reason (reasons, &state, FW_DEPLOY_STATE_DOWN,
                g_strdup_printf (_("No instance up (0 of %d)"), snapshot->instances_expected));
  else if (snapshot->prometheus_reachable && snapshot->instances_up >= 0 &&
           snapshot->instances_up < snapshot->instances_expected)
    add_reason (reasons, &state, FW_DEPLOY_STATE_DEGRADED,
                g_strdup_printf (_("%d of %d instances up"), snapshot->instances_up, snapshot->instances_expected));

  if (!snapshot->api_reachable)
    add_reason (reasons, &state, FW_DEPLOY_STATE_DOWN,
                g_strdup (snapshot->api_error ?: _("Fish Watch API: no answer")));
  else if (!snapshot->ready)
    add_reason (reasons, &state, FW_DEPLOY_STATE_DOWN, g_strdup (_("Not ready: the server’s store does not answer")));
  else if (snapshot->api_error != NULL)
    add_reason (reasons, &state, FW_DEPLOY_STATE_DEGRADED, g_strdup (snapshot->api_error));

  if (!snapshot->prometheus_reachable || snapshot->prometheus_error != NULL)
    add_reason (reasons, &state, FW_DEPLOY_STATE_DEGRADED,
                g_strdup (snapshot->prometheus_error ?: _("Prometheus: no answer")));

  firing = count_firing (snapshot, firing_names);
  if (firing > 0)
    add_reason (reasons, &state, FW_DEPLOY_STATE_DEGRADED,
                /* TRANSLATORS: %u alerts, then their names */
                g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u alert firing: %s", "%u alerts firing: %s", firing),
                                 firing, firing_names->str));

  if (!isnan (snapshot->error_ratio) && snapshot->error_ratio > MAX_ERROR_RATIO)
    add_reason (reasons, &state, FW_DEPLOY_STATE_DEGRADED,
                g_strdup_printf (_("%.1f%% of requests fail (5xx)"), snapshot->error_ratio * 100));

  if (!isnan (snapshot->latency_p95) && snapshot->latency_p95 > MAX_LATENCY_P95)
    add_reason (reasons, &state, FW_DEPLOY_STATE_DEGRADED,
                g_strdup_printf (_("Slow: 95%% of requests within %.2f s"), snapshot->latency_p95));

  if (snapshot->commit_mismatch)
    add_reason (reasons, &state, FW_DEPLOY_STATE_DEGRADED,
                g_strdup_printf (_("Runs %s, but GitLab deployed %.8s"), snapshot->commit, snapshot->deploy_commit));

  if (g_strcmp0 (snapshot->deploy_status, "failed") == 0)
    add_reason (reasons, &state, FW_DEPLOY_STATE_DEGRADED, g_strdup (_("The last deployment failed")));

  snapshot->state = state;
  if (reasons->len > 0)
    {
      g_ptr_array_add (reasons, NULL);
      snapshot->reason = g_strjoinv ("; ", (char **) reasons->pdata);
    }
  else if (snapshot->instances_expected > 0)
    snapshot->reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The instance is up, no alert firing",
                                                     "All %d instances up, no alert firing",
                                                     snapshot->instances_expected),
                                        snapshot->instances_expected);
  else
    snapshot->reason = g_strdup (_("Ready, no alert firing"));
}

/* Keeping a snapshot between runs */

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_bool (JsonBuilder *builder,
          const char  *name,
          gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

/* JSON has no NaN: an unknown figure is null. */
static void
add_double (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  if (isnan (value) || isinf (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, value);
}

/**
 * fw_deploy_snapshot_to_json:
 *
 * Returns: (transfer full): what the snapshot saw, to keep it for the next
 *   run; its state and reason are worked out again when it is read back
 */
JsonNode *
fw_deploy_snapshot_to_json (const FwDeploySnapshot *snapshot)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (snapshot != NULL, NULL);

  json_builder_begin_object (builder);
  add_int (builder, "fetched_at", snapshot->fetched_at);
  add_bool (builder, "api_reachable", snapshot->api_reachable);
  add_bool (builder, "ready", snapshot->ready);
  add_string (builder, "version", snapshot->version);
  add_string (builder, "commit", snapshot->commit);
  add_string (builder, "environment", snapshot->environment);
  add_int (builder, "uptime_s", snapshot->uptime_s);
  add_string (builder, "api_error", snapshot->api_error);
  add_bool (builder, "prometheus_reachable", snapshot->prometheus_reachable);
  add_int (builder, "instances_up", snapshot->instances_up);
  add_int (builder, "instances_expected", snapshot->instances_expected);
  add_double (builder, "request_rate", snapshot->request_rate);
  add_double (builder, "error_ratio", snapshot->error_ratio);
  add_double (builder, "latency_p95", snapshot->latency_p95);
  add_double (builder, "ingest_per_minute", snapshot->ingest_per_minute);
  json_builder_set_member_name (builder, "alerts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < snapshot->alerts->len; i++)
    {
      FwDeployAlert *alert = g_ptr_array_index (snapshot->alerts, i);

      json_builder_begin_object (builder);
      add_string (builder, "name", alert->name);
      add_string (builder, "state", alert->state);
      add_string (builder, "severity", alert->severity);
      add_string (builder, "summary", alert->summary);
      add_string (builder, "instance", alert->instance);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "targets_down");
  json_builder_begin_array (builder);
  for (guint i = 0; i < snapshot->targets_down->len; i++)
    {
      FwDeployTarget *target = g_ptr_array_index (snapshot->targets_down, i);

      json_builder_begin_object (builder);
      add_string (builder, "instance", target->instance);
      add_string (builder, "last_error", target->last_error);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  add_string (builder, "prometheus_error", snapshot->prometheus_error);
  add_bool (builder, "gitlab_configured", snapshot->gitlab_configured);
  add_string (builder, "deploy_commit", snapshot->deploy_commit);
  add_string (builder, "deploy_ref", snapshot->deploy_ref);
  add_string (builder, "deploy_user", snapshot->deploy_user);
  add_string (builder, "deploy_status", snapshot->deploy_status);
  add_int (builder, "deploy_time", snapshot->deploy_time);
  add_string (builder, "pipeline_status", snapshot->pipeline_status);
  add_string (builder, "pipeline_url", snapshot->pipeline_url);
  add_bool (builder, "commit_mismatch", snapshot->commit_mismatch);
  add_string (builder, "gitlab_error", snapshot->gitlab_error);
  add_bool (builder, "elastic_configured", snapshot->elastic_configured);
  add_int (builder, "error_logs", snapshot->error_logs);
  json_builder_set_member_name (builder, "error_messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < snapshot->error_messages->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (snapshot->error_messages, i));
  json_builder_end_array (builder);
  add_string (builder, "kibana_link", snapshot->kibana_link);
  add_string (builder, "elastic_error", snapshot->elastic_error);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static char *
dup_member (JsonObject *object,
            const char *name)
{
  return g_strdup (string_member (object, name));
}

static gint64
int_or (JsonObject *object,
        const char *name,
        gint64      fallback)
{
  gint64 value = fallback;

  int_member (object, name, &value);
  return value;
}

static double
double_or_nan (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  return NAN;
}

/**
 * fw_deploy_snapshot_from_json:
 *
 * Reads back what fw_deploy_snapshot_to_json() wrote, and works out its
 * state and reason again.
 *
 * Returns: (transfer full) (nullable): the snapshot, or %NULL with @error
 *   set when @node is not one
 */
FwDeploySnapshot *
fw_deploy_snapshot_from_json (JsonNode  *node,
                              GError   **error)
{
  g_autoptr(FwDeploySnapshot) snapshot = NULL;
  JsonObject *object;
  JsonArray *array;
  gint64 fetched_at = 0;

  g_return_val_if_fail (node != NULL, NULL);

  object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  if (object == NULL || !int_member (object, "fetched_at", &fetched_at) || fetched_at <= 0)
    {
      set_malformed (error, "fetched_at");
      return NULL;
    }

  snapshot = fw_deploy_snapshot_new ();
  snapshot->fetched_at = fetched_at;
  snapshot->api_reachable = json_object_get_boolean_member_with_default (object, "api_reachable", FALSE);
  snapshot->ready = json_object_get_boolean_member_with_default (object, "ready", FALSE);
  snapshot->version = dup_member (object, "version");
  snapshot->commit = dup_member (object, "commit");
  snapshot->environment = dup_member (object, "environment");
  snapshot->uptime_s = int_or (object, "uptime_s", -1);
  snapshot->api_error = dup_member (object, "api_error");
  snapshot->prometheus_reachable = json_object_get_boolean_member_with_default (object, "prometheus_reachable", FALSE);
  snapshot->instances_up = (int) int_or (object, "instances_up", -1);
  snapshot->instances_expected = (int) int_or (object, "instances_expected", -1);
  snapshot->request_rate = double_or_nan (object, "request_rate");
  snapshot->error_ratio = double_or_nan (object, "error_ratio");
  snapshot->latency_p95 = double_or_nan (object, "latency_p95");
  snapshot->ingest_per_minute = double_or_nan (object, "ingest_per_minute");

  array = array_member (object, "alerts");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      FwDeployAlert *alert;

      if (string_member (item, "name") == NULL || string_member (item, "state") == NULL)
        continue;
      alert = g_new0 (FwDeployAlert, 1);
      alert->name = dup_member (item, "name");
      alert->state = dup_member (item, "state");
      alert->severity = dup_member (item, "severity");
      alert->summary = dup_member (item, "summary");
      alert->instance = dup_member (item, "instance");
      g_ptr_array_add (snapshot->alerts, alert);
    }

  array = array_member (object, "targets_down");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      FwDeployTarget *target;

      if (item == NULL)
        continue;
      target = g_new0 (FwDeployTarget, 1);
      target->instance = dup_member (item, "instance");
      target->last_error = dup_member (item, "last_error");
      g_ptr_array_add (snapshot->targets_down, target);
    }

  snapshot->prometheus_error = dup_member (object, "prometheus_error");
  snapshot->gitlab_configured = json_object_get_boolean_member_with_default (object, "gitlab_configured", FALSE);
  snapshot->deploy_commit = dup_member (object, "deploy_commit");
  snapshot->deploy_ref = dup_member (object, "deploy_ref");
  snapshot->deploy_user = dup_member (object, "deploy_user");
  snapshot->deploy_status = dup_member (object, "deploy_status");
  snapshot->deploy_time = int_or (object, "deploy_time", 0);
  snapshot->pipeline_status = dup_member (object, "pipeline_status");
  snapshot->pipeline_url = dup_member (object, "pipeline_url");
  snapshot->commit_mismatch = json_object_get_boolean_member_with_default (object, "commit_mismatch", FALSE);
  snapshot->gitlab_error = dup_member (object, "gitlab_error");
  snapshot->elastic_configured = json_object_get_boolean_member_with_default (object, "elastic_configured", FALSE);
  snapshot->error_logs = int_or (object, "error_logs", -1);
  array = array_member (object, "error_messages");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        g_ptr_array_add (snapshot->error_messages, g_strdup (json_node_get_string (element)));
    }
  snapshot->kibana_link = dup_member (object, "kibana_link");
  snapshot->elastic_error = dup_member (object, "elastic_error");

  /* The deployed commit must be at least as long as a short hash. */
  if (snapshot->commit_mismatch && (snapshot->commit == NULL || snapshot->deploy_commit == NULL))
    snapshot->commit_mismatch = FALSE;

  fw_deploy_snapshot_evaluate (snapshot);
  return g_steal_pointer (&snapshot);
}
