/* fw-deploy-snapshot.h — what one look at a deployment environment saw
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fw-types.h"

G_BEGIN_DECLS

/* The Prometheus job of fishwatch-server, as deploy/prometheus names it. */
#define FW_DEPLOY_PROMETHEUS_JOB "fishwatch"

#define FW_DEPLOY_ERROR (fw_deploy_error_quark ())

typedef enum
{
  FW_DEPLOY_ERROR_UNREACHABLE,   /* refused, host unknown, timed out */
  FW_DEPLOY_ERROR_UNAUTHORIZED,  /* 401: the token was refused */
  FW_DEPLOY_ERROR_FORBIDDEN,     /* 403: the token may not see this */
  FW_DEPLOY_ERROR_NOT_FOUND,     /* 404: wrong address or project */
  FW_DEPLOY_ERROR_SERVER,        /* any other HTTP error */
  FW_DEPLOY_ERROR_MALFORMED,     /* an answer not in the documented shape */
  FW_DEPLOY_ERROR_INVALID,       /* the settings are wrong */
} FwDeployError;

/* Worst news last. */
typedef enum
{
  FW_DEPLOY_STATE_UNKNOWN,
  FW_DEPLOY_STATE_HEALTHY,
  FW_DEPLOY_STATE_DEGRADED,
  FW_DEPLOY_STATE_DOWN,
} FwDeployState;

typedef enum
{
  FW_DEPLOY_TIER_DEVELOPMENT,
  FW_DEPLOY_TIER_STAGING,
  FW_DEPLOY_TIER_PRODUCTION,
} FwDeployTier;

/* Where one environment is watched from. Tokens come from the keyring and
 * are never written to settings. */
typedef struct
{
  char         *id;                 /* stable, names the keyring entries */
  char         *name;
  FwDeployTier  tier;
  char         *api_url;
  char         *api_token;          /* an admin's session on that API */
  char         *prometheus_url;
  guint         expected_instances; /* 0: as many as Prometheus scrapes */
  char         *gitlab_url;         /* NULL or "": no GitLab */
  char         *gitlab_project;     /* "group/project" or its id */
  char         *gitlab_token;
  char         *elastic_url;        /* NULL or "": no Elasticsearch */
  char         *elastic_api_key;    /* sent as "Authorization: ApiKey …" */
  char         *kibana_url;
  guint         timeout;            /* seconds per request; 0 for 10 */
} FwDeployConfig;

typedef struct
{
  char *name;
  char *state;      /* "firing" or "pending" */
  char *severity;
  char *summary;
  char *instance;
} FwDeployAlert;

typedef struct
{
  char *instance;
  char *last_error;
} FwDeployTarget;

/* What one refresh saw. Numbers that could not be read are -1 (counts) or
 * NAN (rates); a source that failed has its message in *_error. */
typedef struct
{
  FwTime         fetched_at;

  /* The environment's API: /readyz and /api/v1/status */
  gboolean       api_reachable;
  gboolean       ready;
  char          *version;
  char          *commit;
  char          *environment;
  gint64         uptime_s;
  char          *api_error;

  /* Prometheus */
  gboolean       prometheus_reachable;
  int            instances_up;
  int            instances_expected;
  double         request_rate;       /* requests per second */
  double         error_ratio;        /* 5xx share, 0 … 1 */
  double         latency_p95;        /* seconds */
  double         ingest_per_minute;
  GPtrArray     *alerts;             /* FwDeployAlert */
  GPtrArray     *targets_down;       /* FwDeployTarget */
  char          *prometheus_error;

  /* GitLab, when configured */
  gboolean       gitlab_configured;
  char          *deploy_commit;
  char          *deploy_ref;
  char          *deploy_user;
  char          *deploy_status;
  FwTime         deploy_time;
  char          *pipeline_status;
  char          *pipeline_url;
  gboolean       commit_mismatch;
  char          *gitlab_error;

  /* Elasticsearch, when configured */
  gboolean       elastic_configured;
  gint64         error_logs;         /* error lines in the last 15 minutes */
  GPtrArray     *error_messages;     /* char *, newest first */
  char          *kibana_link;
  char          *elastic_error;

  FwDeployState  state;
  char          *reason;
} FwDeploySnapshot;

GQuark            fw_deploy_error_quark         (void);

const char       *fw_deploy_tier_to_string      (FwDeployTier       tier);
gboolean          fw_deploy_tier_from_string    (const char        *text,
                                                 FwDeployTier      *tier);
const char       *fw_deploy_tier_get_label      (FwDeployTier       tier);
const char       *fw_deploy_state_get_label     (FwDeployState      state);

#define FW_TYPE_DEPLOY_CONFIG (fw_deploy_config_get_type ())
GType             fw_deploy_config_get_type     (void) G_GNUC_CONST;
FwDeployConfig   *fw_deploy_config_new          (void);
FwDeployConfig   *fw_deploy_config_copy         (const FwDeployConfig *config);
void              fw_deploy_config_free         (FwDeployConfig    *config);
GVariant         *fw_deploy_config_to_variant   (const FwDeployConfig *config);
FwDeployConfig   *fw_deploy_config_from_variant (GVariant          *variant);
gboolean          fw_deploy_config_validate     (const FwDeployConfig *config,
                                                 GError           **error);

FwDeploySnapshot *fw_deploy_snapshot_new        (void);
void              fw_deploy_snapshot_free       (FwDeploySnapshot  *snapshot);
void              fw_deploy_snapshot_evaluate   (FwDeploySnapshot  *snapshot);
JsonNode         *fw_deploy_snapshot_to_json    (const FwDeploySnapshot *snapshot);
FwDeploySnapshot *fw_deploy_snapshot_from_json  (JsonNode          *node,
                                                 GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FwDeploySnapshot, fw_deploy_snapshot_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FwDeployConfig, fw_deploy_config_free)

/* Parsers of each source's documented answers, usable without a network. */
gboolean fw_deploy_parse_status             (const char        *text,
                                             gssize             length,
                                             FwDeploySnapshot  *snapshot,
                                             GError           **error);
gboolean fw_deploy_parse_prometheus_value   (const char        *text,
                                             gssize             length,
                                             double            *value,
                                             GError           **error);
gboolean fw_deploy_parse_prometheus_up      (const char        *text,
                                             gssize             length,
                                             int               *up,
                                             int               *total,
                                             GError           **error);
gboolean fw_deploy_parse_prometheus_alerts  (const char        *text,
                                             gssize             length,
                                             GPtrArray         *alerts,
                                             GError           **error);
gboolean fw_deploy_parse_prometheus_targets (const char        *text,
                                             gssize             length,
                                             const char        *job,
                                             GPtrArray         *targets_down,
                                             GError           **error);
gboolean fw_deploy_parse_gitlab_deployments (const char        *text,
                                             gssize             length,
                                             FwDeploySnapshot  *snapshot,
                                             GError           **error);
gboolean fw_deploy_parse_gitlab_pipelines   (const char        *text,
                                             gssize             length,
                                             FwDeploySnapshot  *snapshot,
                                             GError           **error);
gboolean fw_deploy_parse_elastic_count      (const char        *text,
                                             gssize             length,
                                             gint64            *count,
                                             GError           **error);
gboolean fw_deploy_parse_elastic_search     (const char        *text,
                                             gssize             length,
                                             GPtrArray         *messages,
                                             GError           **error);

gboolean fw_deploy_commits_match            (const char        *running,
                                             const char        *deployed);
guint    fw_deploy_next_refresh_delay       (guint              interval,
                                             guint              failures,
                                             double             jitter);
char    *fw_deploy_format_updated           (FwTime             fetched_at,
                                             FwTime             now);

G_END_DECLS
