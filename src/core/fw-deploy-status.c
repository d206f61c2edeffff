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
 * of the snapshot stands. fw_deploy_snapshot_evaluate() (in
 * fw-deploy-snapshot.c, with the parsers) turns a snapshot into one state
 * and the reason for it.
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

#define DEFAULT_TIMEOUT 10
#define MAX_ERROR_MESSAGES 3

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

static gboolean
is_set (const char *text)
{
  return text != NULL && *text != '\0';
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
      double ignored;

      if (!fw_deploy_parse_prometheus_value (text, length, &ignored, &explained) &&
          explained->code == FW_DEPLOY_ERROR_SERVER)
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
  static const char *job = "{job=\"" FW_DEPLOY_PROMETHEUS_JOB "\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *up_query = g_strconcat ("up", job, NULL);
  g_autofree char *rate_query = g_strconcat ("sum(rate(fishwatch_http_requests_total", job, "[5m]))", NULL);
  g_autofree char *ratio_query = g_strconcat (
    "sum(rate(fishwatch_http_requests_total{job=\"" FW_DEPLOY_PROMETHEUS_JOB "\",status_class=\"5xx\"}[5m]))"
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
  if (!fw_deploy_parse_prometheus_targets (text, length, FW_DEPLOY_PROMETHEUS_JOB, snapshot->targets_down, &error))
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
  g_autofree char *authorization = is_set (config->elastic_api_key)
                                   ? g_strconcat ("ApiKey ", config->elastic_api_key, NULL) : NULL;
  const char *source = _("Elasticsearch");
  const char *text;
  gsize length = 0;
  guint status = 0;

  snapshot->elastic_configured = TRUE;
  if (is_set (config->kibana_url))
    snapshot->kibana_link = kibana_link (config);

  answer = client_send (client, "POST", count_url, "Authorization", authorization, count_body, &status, &error);
  if (error != NULL)
    goto failed;
  text = g_bytes_get_data (answer, &length);
  if (!fw_deploy_parse_elastic_count (text, length, &snapshot->error_logs, &error))
    goto failed;

  if (snapshot->error_logs == 0)
    return;

  g_clear_pointer (&answer, g_bytes_unref);
  answer = client_send (client, "POST", search_url, "Authorization", authorization, search_body, &status, &error);
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
