/* fw-deploy-status.c — the health of one deployment environment
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An environment (development, staging, production) is seen through up to
 * four sources: its own API (/readyz, /api/v1/status), its Prometheus, and
 * optionally GitLab and Elasticsearch. A refresh asks each in turn from a
 * worker thread, with a session of its own, and makes a snapshot; a source
 * that fails leaves a message naming itself and the problem, and the rest
 * of the snapshot stands. fw_deploy_snapshot_evaluate() turns a snapshot
 * into one state and the reason for it.
 *
 * When neither the API nor Prometheus answers at all, the likeliest story
 * is that this computer is offline, not that both went down together: the
 * view model then keeps the last snapshot and marks it stale instead of
 * calling the environment down.
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <glib/gi18n-lib.h>

#include "fw-deploy-status.h"
#include "fw-sync.h"

#define DEFAULT_TIMEOUT 10
#define PROMETHEUS_JOB "fishwatch"
#define MAX_ERROR_MESSAGES 3
/* Above these an environment is degraded; the alert rules in
 * deploy/prometheus say the same over longer windows. */
#define MAX_ERROR_RATIO 0.05
#define MAX_LATENCY_P95 1.0
#define MAX_REFRESH_DELAY 900

struct _FwDeployStatus
{
  GObject           parent_instance;

  FwDeployConfig   *config;
  FwDeploySnapshot *snapshot;
  char             *stale_reason;
  gboolean          stale;
  gboolean          refreshing;
  guint             failures;
};

G_DEFINE_FINAL_TYPE (FwDeployStatus, fw_deploy_status, G_TYPE_OBJECT)
G_DEFINE_QUARK (fw-deploy-error-quark, fw_deploy_error)
G_DEFINE_BOXED_TYPE (FwDeployConfig, fw_deploy_config, fw_deploy_config_copy, fw_deploy_config_free)

enum {
  PROP_0,
  PROP_NAME,
  PROP_STATE,
  PROP_REASON,
  PROP_STALE,
  PROP_REFRESHING,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

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

  if (!is_http_url (config->api_url))
    {
      g_set_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_INVALID,
                   _("API URL: “%s” is not an address such as https://fishwatch.example.org"),
                   config->api_url ?: "");
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
                g_strdup_printf (_("Prometheus scrapes no instance of the job “%s”"), PROMETHEUS_JOB));
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

/* Fetching, in a worker thread */

typedef struct
{
  SoupSession  *session;
  GCancellable *cancellable;
  guint         timeout;
} Client;

static char *
join_url (const char *base,
          const char *path)
{
  g_autofree char *trimmed = g_strdup (base);

  while (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';

  return g_strconcat (trimmed, path, NULL);
}

static void
set_transport_error (GError       **error,
                     const GError  *cause,
                     guint          timeout)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    g_set_error_literal (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_UNREACHABLE, _("connection refused"));
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_UNREACHABLE, _("no answer within %u s"), timeout);
  else if (cause->domain == G_RESOLVER_ERROR)
    g_set_error_literal (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_UNREACHABLE, _("host not found"));
  else if (cause->domain == G_TLS_ERROR)
    g_set_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_UNREACHABLE, _("certificate not trusted (%s)"),
                 cause->message);
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
           g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE))
    g_set_error_literal (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_UNREACHABLE, _("network unreachable"));
  else
    g_set_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_UNREACHABLE, _("no answer (%s)"), cause->message);
}

static void
set_http_error (GError **error,
                guint    status)
{
  if (status == SOUP_STATUS_UNAUTHORIZED)
    g_set_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_UNAUTHORIZED, _("token refused (%u)"), status);
  else if (status == SOUP_STATUS_FORBIDDEN)
    g_set_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_FORBIDDEN, _("access refused (%u)"), status);
  else if (status == SOUP_STATUS_NOT_FOUND)
    g_set_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_NOT_FOUND, _("not found (%u)"), status);
  else if (status >= 500)
    g_set_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_SERVER, _("server error (%u)"), status);
  else
    g_set_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_SERVER, _("request refused (%u)"), status);
}

/* Sends one request. Returns: the body of the answer, whatever its status
 * (Prometheus explains its refusals in it); @error is set for a status
 * other than 2xx as well as when nothing came back. */
static GBytes *
client_send (Client      *client,
             const char  *method,
             const char  *url,
             const char  *header,
             const char  *header_value,
             const char  *json_body,
             guint       *status,
             GError     **error)
{
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) local_error = NULL;

  *status = 0;
  if (message == NULL)
    {
      g_set_error (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_INVALID, _("“%s” is not an address"), url);
      return NULL;
    }

  if (header != NULL && header_value != NULL && *header_value != '\0')
    soup_message_headers_replace (soup_message_get_request_headers (message), header, header_value);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/json");

  if (json_body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (json_body, strlen (json_body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }

  answer = soup_session_send_and_read (client->session, message, client->cancellable, &local_error);
  if (answer == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        set_transport_error (error, local_error, client->timeout);
      return NULL;
    }

  *status = soup_message_get_status (message);
  if (!SOUP_STATUS_IS_SUCCESSFUL (*status))
    {
      set_http_error (error, *status);
      return g_steal_pointer (&answer);
    }

  return g_steal_pointer (&answer);
}

static char *
bearer (const char *token)
{
  return token != NULL && *token != '\0' ? g_strconcat ("Bearer ", token, NULL) : NULL;
}

static char *
source_message (const char   *source,
                const GError *error)
{
  /* TRANSLATORS: a source of an environment's health ("Prometheus",
   * "GitLab", …), then what went wrong with it */
  return g_strdup_printf (_("%s: %s"), source, error->message);
}

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
fetch_api (Client               *client,
           const FwDeployConfig *config,
           FwDeploySnapshot     *snapshot)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *readyz = join_url (config->api_url, "/readyz");
  g_autofree char *status_url = join_url (config->api_url, "/api/v1/status");
  g_autofree char *authorization = bearer (config->api_token);
  const char *source = _("Fish Watch API");
  guint status = 0;

  body = client_send (client, "GET", readyz, NULL, NULL, NULL, &status, &error);
  if (body == NULL)
    {
      if (!is_cancelled (error))
        snapshot->api_error = source_message (source, error);
      return;
    }

  /* 503 is an answer: the process runs, its store does not. */
  snapshot->api_reachable = TRUE;
  snapshot->ready = status == SOUP_STATUS_OK;
  g_clear_error (&error);
  g_clear_pointer (&body, g_bytes_unref);

  body = client_send (client, "GET", status_url, "Authorization", authorization, NULL, &status, &error);
  if (error == NULL)
    {
      gboolean ready = snapshot->ready;
      gsize length = 0;
      const char *text = g_bytes_get_data (body, &length);

      fw_deploy_parse_status (text, length, snapshot, &error);
      /* /readyz has the last word on readiness. */
      snapshot->ready = ready;
    }
  if (error != NULL && !is_cancelled (error))
    {
      if (g_error_matches (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_FORBIDDEN))
        {
          g_clear_error (&error);
          g_set_error_literal (&error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_FORBIDDEN,
                               _("administrators only (403)"));
        }
      else if (g_error_matches (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_UNAUTHORIZED) && authorization == NULL)
        {
          g_clear_error (&error);
          g_set_error_literal (&error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_UNAUTHORIZED,
                               _("sign in as an administrator (401)"));
        }
      snapshot->api_error = source_message (source, error);
    }
}

/* One instant query. Returns: %FALSE when Prometheus failed (not when the
 * query has no value). */
static gboolean
prometheus_query (Client               *client,
                  const FwDeployConfig *config,
                  const char           *query,
                  GBytes              **answer,
                  GError              **error)
{
  g_autofree char *escaped = g_uri_escape_string (query, NULL, FALSE);
  g_autofree char *path = g_strconcat ("/api/v1/query?query=", escaped, NULL);
  g_autofree char *url = join_url (config->prometheus_url, path);
  g_autoptr(GError) http_error = NULL;
  guint status = 0;

  *answer = client_send (client, "GET", url, NULL, NULL, NULL, &status, &http_error);
  if (http_error == NULL)
    return TRUE;

  /* Prometheus explains a refused query in the body. */
  if (*answer != NULL && (status == 400 || status == 422 || status == 503))
    {
      g_autoptr(GError) explained = NULL;
      gsize length = 0;
      const char *text = g_bytes_get_data (*answer, &length);
      g_autoptr(JsonNode) data = prometheus_data (text, length, &explained);

      if (data == NULL && explained->code == FW_DEPLOY_ERROR_SERVER)
        {
          g_clear_error (&http_error);
          http_error = g_steal_pointer (&explained);
        }
    }

  g_clear_pointer (answer, g_bytes_unref);
  g_propagate_error (error, g_steal_pointer (&http_error));
  return FALSE;
}

static gboolean
prometheus_value (Client               *client,
                  const FwDeployConfig *config,
                  const char           *query,
                  double               *value,
                  GError              **error)
{
  g_autoptr(GBytes) answer = NULL;
  const char *text;
  gsize length = 0;

  if (!prometheus_query (client, config, query, &answer, error))
    return FALSE;

  text = g_bytes_get_data (answer, &length);
  return fw_deploy_parse_prometheus_value (text, length, value, error);
}

static void
fetch_prometheus (Client               *client,
                  const FwDeployConfig *config,
                  FwDeploySnapshot     *snapshot)
{
  static const char *job = "{job=\"" PROMETHEUS_JOB "\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *up_query = g_strconcat ("up", job, NULL);
  g_autofree char *rate_query = g_strconcat ("sum(rate(fishwatch_http_requests_total", job, "[5m]))", NULL);
  g_autofree char *ratio_query = g_strconcat (
    "sum(rate(fishwatch_http_requests_total{job=\"" PROMETHEUS_JOB "\",status_class=\"5xx\"}[5m]))"
    " / sum(rate(fishwatch_http_requests_total", job, "[5m]))", NULL);
  g_autofree char *p95_query = g_strconcat (
    "histogram_quantile(0.95, sum by (le) (rate(fishwatch_http_request_duration_seconds_bucket", job, "[5m])))",
    NULL);
  g_autofree char *ingest_query = g_strconcat ("sum(rate(fishwatch_readings_ingested_total", job, "[5m])) * 60",
                                               NULL);
  g_autofree char *alerts_url = join_url (config->prometheus_url, "/api/v1/alerts");
  g_autofree char *targets_url = join_url (config->prometheus_url, "/api/v1/targets?state=active");
  const char *source = _("Prometheus");
  const char *text;
  gsize length = 0;
  guint status = 0;
  int up = -1, total = -1;
  double ratio = NAN;

  if (!prometheus_query (client, config, up_query, &answer, &error))
    goto failed;

  text = g_bytes_get_data (answer, &length);
  if (!fw_deploy_parse_prometheus_up (text, length, &up, &total, &error))
    goto failed;

  snapshot->prometheus_reachable = TRUE;
  snapshot->instances_up = up;
  snapshot->instances_expected = config->expected_instances > 0 ? (int) config->expected_instances : total;
  /* An expected instance Prometheus does not know of is not up. */
  snapshot->instances_up = MIN (up, snapshot->instances_expected);

  if (!prometheus_value (client, config, rate_query, &snapshot->request_rate, &error) ||
      !prometheus_value (client, config, ratio_query, &ratio, &error) ||
      !prometheus_value (client, config, p95_query, &snapshot->latency_p95, &error) ||
      !prometheus_value (client, config, ingest_query, &snapshot->ingest_per_minute, &error))
    goto failed;

  /* No requests at all: no failures either. */
  snapshot->error_ratio = isnan (ratio) && !isnan (snapshot->request_rate) ? 0.0 : ratio;

  g_clear_pointer (&answer, g_bytes_unref);
  answer = client_send (client, "GET", alerts_url, NULL, NULL, NULL, &status, &error);
  if (error != NULL)
    goto failed;
  text = g_bytes_get_data (answer, &length);
  if (!fw_deploy_parse_prometheus_alerts (text, length, snapshot->alerts, &error))
    goto failed;

  g_clear_pointer (&answer, g_bytes_unref);
  answer = client_send (client, "GET", targets_url, NULL, NULL, NULL, &status, &error);
  if (error != NULL)
    goto failed;
  text = g_bytes_get_data (answer, &length);
  if (!fw_deploy_parse_prometheus_targets (text, length, PROMETHEUS_JOB, snapshot->targets_down, &error))
    goto failed;

  return;

failed:
  if (!is_cancelled (error))
    snapshot->prometheus_error = source_message (source, error);
}

static void
fetch_gitlab (Client               *client,
              const FwDeployConfig *config,
              FwDeploySnapshot     *snapshot)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *project = g_uri_escape_string (config->gitlab_project, NULL, FALSE);
  g_autofree char *environment = g_uri_escape_string (fw_deploy_tier_to_string (config->tier), NULL, FALSE);
  g_autofree char *deployments_path = g_strdup_printf (
    "/api/v4/projects/%s/deployments?environment=%s&order_by=updated_at&sort=desc&per_page=1",
    project, environment);
  g_autofree char *deployments_url = join_url (config->gitlab_url, deployments_path);
  g_autofree char *pipelines_url = NULL;
  const char *source = _("GitLab");
  const char *text;
  gsize length = 0;
  guint status = 0;

  snapshot->gitlab_configured = TRUE;

  answer = client_send (client, "GET", deployments_url, "PRIVATE-TOKEN", config->gitlab_token, NULL,
                        &status, &error);
  if (error != NULL)
    goto failed;
  text = g_bytes_get_data (answer, &length);
  if (!fw_deploy_parse_gitlab_deployments (text, length, snapshot, &error))
    goto failed;

  {
    g_autofree char *ref = snapshot->deploy_ref != NULL ? g_uri_escape_string (snapshot->deploy_ref, NULL, FALSE)
                                                        : NULL;
    g_autofree char *path = g_strdup_printf ("/api/v4/projects/%s/pipelines?order_by=id&sort=desc&per_page=1%s%s",
                                             project, ref != NULL ? "&ref=" : "", ref != NULL ? ref : "");

    pipelines_url = join_url (config->gitlab_url, path);
  }

  g_clear_pointer (&answer, g_bytes_unref);
  answer = client_send (client, "GET", pipelines_url, "PRIVATE-TOKEN", config->gitlab_token, NULL,
                        &status, &error);
  if (error != NULL)
    goto failed;
  text = g_bytes_get_data (answer, &length);
  if (!fw_deploy_parse_gitlab_pipelines (text, length, snapshot, &error))
    goto failed;

  return;

failed:
  if (!is_cancelled (error))
    snapshot->gitlab_error = source_message (source, error);
}

static char *
kibana_link (const FwDeployConfig *config)
{
  g_autofree char *query = g_strdup_printf ("log.level:error and service.environment:%s",
                                            fw_deploy_tier_to_string (config->tier));
  g_autofree char *escaped = g_uri_escape_string (query, ":", FALSE);
  g_autofree char *path = g_strdup_printf ("/app/discover#/?_g=(time:(from:now-15m,to:now))"
                                           "&_a=(query:(language:kuery,query:'%s'))", escaped);

  return join_url (config->kibana_url, path);
}

static void
fetch_elastic (Client               *client,
               const FwDeployConfig *config,
               FwDeploySnapshot     *snapshot)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = NULL;
  const char *tier = fw_deploy_tier_to_string (config->tier);
  /* deploy/filebeat names the indices fishwatch-<environment>-<date>. */
  g_autofree char *count_path = g_strdup_printf ("/fishwatch-%s-*/_count", tier);
  g_autofree char *search_path = g_strdup_printf ("/fishwatch-%s-*/_search", tier);
  g_autofree char *count_url = join_url (config->elastic_url, count_path);
  g_autofree char *search_url = join_url (config->elastic_url, search_path);
  g_autofree char *filter = g_strdup_printf (
    "{\"bool\":{\"filter\":["
    "{\"range\":{\"@timestamp\":{\"gte\":\"now-15m\"}}},"
    "{\"term\":{\"log.level\":\"error\"}},"
    "{\"term\":{\"service.environment\":\"%s\"}}]}}", tier);
  g_autofree char *count_body = g_strdup_printf ("{\"query\":%s}", filter);
  g_autofree char *search_body = g_strdup_printf (
    "{\"size\":%d,\"sort\":[{\"@timestamp\":\"desc\"}],\"_source\":[\"@timestamp\",\"message\"],\"query\":%s}",
    MAX_ERROR_MESSAGES, filter);
  const char *source = _("Elasticsearch");
  const char *text;
  gsize length = 0;
  guint status = 0;

  snapshot->elastic_configured = TRUE;
  if (is_set (config->kibana_url))
    snapshot->kibana_link = kibana_link (config);

  answer = client_send (client, "POST", count_url, NULL, NULL, count_body, &status, &error);
  if (error != NULL)
    goto failed;
  text = g_bytes_get_data (answer, &length);
  if (!fw_deploy_parse_elastic_count (text, length, &snapshot->error_logs, &error))
    goto failed;

  if (snapshot->error_logs == 0)
    return;

  g_clear_pointer (&answer, g_bytes_unref);
  answer = client_send (client, "POST", search_url, NULL, NULL, search_body, &status, &error);
  if (error != NULL)
    goto failed;
  text = g_bytes_get_data (answer, &length);
  if (!fw_deploy_parse_elastic_search (text, length, snapshot->error_messages, &error))
    goto failed;

  return;

failed:
  if (!is_cancelled (error))
    snapshot->elastic_error = source_message (source, error);
}

/**
 * fw_deploy_fetch:
 *
 * Asks every source of @config in turn and evaluates what they said.
 * Blocks: call it from a worker thread.
 *
 * Returns: (transfer full): the snapshot, never %NULL
 */
FwDeploySnapshot *
fw_deploy_fetch (const FwDeployConfig *config,
                 GCancellable         *cancellable)
{
  g_autoptr(FwDeploySnapshot) snapshot = fw_deploy_snapshot_new ();
  Client client = { NULL, cancellable, config->timeout ?: DEFAULT_TIMEOUT };

  g_return_val_if_fail (config != NULL, NULL);

  client.session = soup_session_new_with_options ("timeout", client.timeout,
                                                  "idle-timeout", client.timeout,
                                                  "user-agent", "fishwatch/" PACKAGE_VERSION " ",
                                                  NULL);

  if (is_set (config->api_url))
    fetch_api (&client, config, snapshot);
  else
    snapshot->api_error = g_strdup (_("Fish Watch API: no address set"));
  if (is_set (config->prometheus_url))
    fetch_prometheus (&client, config, snapshot);
  else
    snapshot->prometheus_error = g_strdup (_("Prometheus: no address set"));

  if (is_set (config->gitlab_url))
    {
      fetch_gitlab (&client, config, snapshot);
      snapshot->commit_mismatch = snapshot->deploy_commit != NULL && snapshot->commit != NULL &&
                                  !fw_deploy_commits_match (snapshot->commit, snapshot->deploy_commit);
    }

  if (is_set (config->elastic_url))
    fetch_elastic (&client, config, snapshot);

  g_clear_object (&client.session);

  snapshot->fetched_at = g_get_real_time () / G_USEC_PER_SEC;
  fw_deploy_snapshot_evaluate (snapshot);
  return g_steal_pointer (&snapshot);
}

/* The view model */

static void
fw_deploy_status_finalize (GObject *object)
{
  FwDeployStatus *self = FW_DEPLOY_STATUS (object);

  g_clear_pointer (&self->config, fw_deploy_config_free);
  g_clear_pointer (&self->snapshot, fw_deploy_snapshot_free);
  g_clear_pointer (&self->stale_reason, g_free);

  G_OBJECT_CLASS (fw_deploy_status_parent_class)->finalize (object);
}

static void
fw_deploy_status_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FwDeployStatus *self = FW_DEPLOY_STATUS (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->config->name);
      break;

    case PROP_STATE:
      g_value_set_int (value, fw_deploy_status_get_state (self));
      break;

    case PROP_REASON:
      g_value_set_string (value, fw_deploy_status_get_reason (self));
      break;

    case PROP_STALE:
      g_value_set_boolean (value, self->stale);
      break;

    case PROP_REFRESHING:
      g_value_set_boolean (value, self->refreshing);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_deploy_status_class_init (FwDeployStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fw_deploy_status_finalize;
  object_class->get_property = fw_deploy_status_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  /* An FwDeployState. */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      FW_DEPLOY_STATE_UNKNOWN, FW_DEPLOY_STATE_DOWN, FW_DEPLOY_STATE_UNKNOWN,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_REASON] =
    g_param_spec_string ("reason", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STALE] =
    g_param_spec_boolean ("stale", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_REFRESHING] =
    g_param_spec_boolean ("refreshing", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FwDeployStatus::changed:
   *
   * A refresh finished: the snapshot, or its staleness, is new.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fw_deploy_status_init (FwDeployStatus *self)
{
}

FwDeployStatus *
fw_deploy_status_new (const FwDeployConfig *config)
{
  FwDeployStatus *self;

  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (FW_TYPE_DEPLOY_STATUS, NULL);
  self->config = fw_deploy_config_copy (config);
  return self;
}

const FwDeployConfig *
fw_deploy_status_get_config (FwDeployStatus *self)
{
  g_return_val_if_fail (FW_IS_DEPLOY_STATUS (self), NULL);

  return self->config;
}

/**
 * fw_deploy_status_get_snapshot:
 *
 * Returns: (nullable) (transfer none): the last snapshot, %NULL before the
 *   first refresh
 */
const FwDeploySnapshot *
fw_deploy_status_get_snapshot (FwDeployStatus *self)
{
  g_return_val_if_fail (FW_IS_DEPLOY_STATUS (self), NULL);

  return self->snapshot;
}

FwDeployState
fw_deploy_status_get_state (FwDeployStatus *self)
{
  g_return_val_if_fail (FW_IS_DEPLOY_STATUS (self), FW_DEPLOY_STATE_UNKNOWN);

  return self->snapshot != NULL ? self->snapshot->state : FW_DEPLOY_STATE_UNKNOWN;
}

const char *
fw_deploy_status_get_reason (FwDeployStatus *self)
{
  g_return_val_if_fail (FW_IS_DEPLOY_STATUS (self), NULL);

  return self->snapshot != NULL ? self->snapshot->reason : _("Not checked yet");
}

gboolean
fw_deploy_status_get_stale (FwDeployStatus *self)
{
  g_return_val_if_fail (FW_IS_DEPLOY_STATUS (self), FALSE);

  return self->stale;
}

/**
 * fw_deploy_status_get_stale_reason:
 *
 * Returns: (nullable): why the last refresh did not replace the snapshot
 */
const char *
fw_deploy_status_get_stale_reason (FwDeployStatus *self)
{
  g_return_val_if_fail (FW_IS_DEPLOY_STATUS (self), NULL);

  return self->stale ? self->stale_reason : NULL;
}

gboolean
fw_deploy_status_get_refreshing (FwDeployStatus *self)
{
  g_return_val_if_fail (FW_IS_DEPLOY_STATUS (self), FALSE);

  return self->refreshing;
}

/**
 * fw_deploy_status_get_failures:
 *
 * Returns: refreshes in a row that reached neither the API nor Prometheus
 */
guint
fw_deploy_status_get_failures (FwDeployStatus *self)
{
  g_return_val_if_fail (FW_IS_DEPLOY_STATUS (self), 0);

  return self->failures;
}

static void
set_refreshing (FwDeployStatus *self,
                gboolean        refreshing)
{
  if (self->refreshing == refreshing)
    return;

  self->refreshing = refreshing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESHING]);
}

static void
refresh_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  FwDeploySnapshot *snapshot = fw_deploy_fetch (task_data, cancellable);

  if (g_cancellable_is_cancelled (cancellable))
    {
      fw_deploy_snapshot_free (snapshot);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Cancelled"));
      return;
    }

  g_task_return_pointer (task, snapshot, (GDestroyNotify) fw_deploy_snapshot_free);
}

/* Back in the main thread: the new snapshot replaces the old one, unless
 * nothing answered and there is an old one to keep. */
static void
apply_snapshot (FwDeployStatus   *self,
                FwDeploySnapshot *snapshot)
{
  FwDeployState old_state = fw_deploy_status_get_state (self);
  g_autofree char *old_reason = g_strdup (fw_deploy_status_get_reason (self));
  gboolean old_stale = self->stale;
  gboolean offline = !snapshot->api_reachable && !snapshot->prometheus_reachable;

  if (offline)
    self->failures++;
  else
    self->failures = 0;

  if (offline && self->snapshot != NULL && self->snapshot->state != FW_DEPLOY_STATE_UNKNOWN)
    {
      self->stale = TRUE;
      g_free (self->stale_reason);
      self->stale_reason = g_strdup (snapshot->reason);
      fw_deploy_snapshot_free (snapshot);
    }
  else
    {
      self->stale = FALSE;
      g_clear_pointer (&self->stale_reason, g_free);
      fw_deploy_snapshot_free (self->snapshot);
      self->snapshot = snapshot;
    }

  if (old_state != fw_deploy_status_get_state (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (g_strcmp0 (old_reason, fw_deploy_status_get_reason (self)) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REASON]);
  if (old_stale != self->stale)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STALE]);
  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * fw_deploy_status_restore:
 * @snapshot: (transfer full): a snapshot kept from an earlier run
 * @reason: why it is not fresh, shown with it
 *
 * Shows @snapshot, marked stale, until a refresh brings a new one.
 */
void
fw_deploy_status_restore (FwDeployStatus   *self,
                          FwDeploySnapshot *snapshot,
                          const char       *reason)
{
  g_return_if_fail (FW_IS_DEPLOY_STATUS (self));
  g_return_if_fail (snapshot != NULL);

  apply_snapshot (self, snapshot);
  self->stale = TRUE;
  g_free (self->stale_reason);
  self->stale_reason = g_strdup (reason);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STALE]);
  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * fw_deploy_status_set_snapshot:
 * @snapshot: (transfer full): a snapshot made elsewhere (a test, or one
 *   kept from an earlier run)
 *
 * Takes @snapshot as if a refresh had made it.
 */
void
fw_deploy_status_set_snapshot (FwDeployStatus   *self,
                               FwDeploySnapshot *snapshot)
{
  g_return_if_fail (FW_IS_DEPLOY_STATUS (self));
  g_return_if_fail (snapshot != NULL);

  apply_snapshot (self, snapshot);
}

/**
 * fw_deploy_status_refresh_async:
 *
 * Asks every source again in a worker thread. One refresh runs at a time:
 * a second call while one runs finishes with that one.
 */
void
fw_deploy_status_refresh_async (FwDeployStatus      *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FW_IS_DEPLOY_STATUS (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fw_deploy_status_refresh_async);
  g_task_set_task_data (task, fw_deploy_config_copy (self->config), (GDestroyNotify) fw_deploy_config_free);
  set_refreshing (self, TRUE);
  g_task_run_in_thread (task, refresh_thread);
}

/**
 * fw_deploy_status_refresh_finish:
 *
 * Returns: %TRUE when the refresh ran to the end, whatever the sources
 *   said (that is in the snapshot); %FALSE only when it was cancelled
 */
gboolean
fw_deploy_status_refresh_finish (FwDeployStatus  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  FwDeploySnapshot *snapshot;

  g_return_val_if_fail (FW_IS_DEPLOY_STATUS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  set_refreshing (self, FALSE);
  snapshot = g_task_propagate_pointer (G_TASK (result), error);
  if (snapshot == NULL)
    return FALSE;

  apply_snapshot (self, snapshot);
  return TRUE;
}

/* Whether the signed-in user is an admin */

typedef struct
{
  char *api_url;
  char *token;
} AdminCheck;

static void
admin_check_free (AdminCheck *check)
{
  g_free (check->api_url);
  g_free (check->token);
  g_free (check);
}

static void
check_admin_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  AdminCheck *check = task_data;
  Client client = { NULL, cancellable, DEFAULT_TIMEOUT };
  g_autofree char *url = join_url (check->api_url, "/api/v1/status");
  g_autofree char *authorization = bearer (check->token);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  client.session = soup_session_new_with_options ("timeout", client.timeout, NULL);
  answer = client_send (&client, "GET", url, "Authorization", authorization, NULL, &status, &error);
  g_clear_object (&client.session);

  if (error == NULL)
    g_task_return_boolean (task, TRUE);
  else if (g_error_matches (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_FORBIDDEN) ||
           g_error_matches (error, FW_DEPLOY_ERROR, FW_DEPLOY_ERROR_UNAUTHORIZED))
    g_task_return_boolean (task, FALSE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * fw_deploy_check_admin_async:
 * @api_url: a Fish Watch server
 * @token: (nullable): a session on it
 *
 * Asks the server whether the session may see its status, which only
 * administrators may.
 */
void
fw_deploy_check_admin_async (const char          *api_url,
                             const char          *token,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AdminCheck *check;

  g_return_if_fail (api_url != NULL);

  check = g_new0 (AdminCheck, 1);
  check->api_url = g_strdup (api_url);
  check->token = g_strdup (token);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fw_deploy_check_admin_async);
  g_task_set_task_data (task, check, (GDestroyNotify) admin_check_free);
  g_task_run_in_thread (task, check_admin_thread);
}

/**
 * fw_deploy_check_admin_finish:
 *
 * Returns: %TRUE for an administrator; %FALSE with @error unset for
 *   anyone else (401 or 403), with @error set when the server could not
 *   tell
 */
gboolean
fw_deploy_check_admin_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
