/* fw-server-private.h — what the request plumbing and the handlers share
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fw-alert-engine.h"
#include "fw-metrics.h"
#include "fw-server.h"

G_BEGIN_DECLS

/* RFC 6585, which libsoup 3.2 has no name for. */
#define FW_STATUS_TOO_MANY_REQUESTS 429
#define FW_STATUS_UNPROCESSABLE     422

typedef enum
{
  FW_AUTH_NONE,
  FW_AUTH_USER,
  FW_AUTH_DEVICE,
} FwAuth;

typedef struct _FwRequest FwRequest;
typedef void (*FwHandler) (FwRequest *request);

typedef struct
{
  const char *method;
  const char *pattern;       /* "/api/v1/farms/{id}/units" */
  FwAuth      auth;
  FwRole      min_role;      /* for FW_AUTH_USER */
  FwHandler   handler;
  FwEntity    entity;        /* for the generic record handlers */
  FwEntity    parent;        /* the entity named by {id}, for collections */
} FwRoute;

/* One request, handled in a worker thread. The handler reads the inputs
 * and fills the answer through fw_request_respond*(); the plumbing writes
 * it back on the main thread. */
struct _FwRequest
{
  FwServer      *server;
  FwStore       *store;
  FwMetrics     *metrics;
  FwAlertEngine *alerts;
  const FwRoute *route;
  char          *method;
  char          *path;
  char          *id;          /* the {id} of the path, if any */
  GHashTable    *query;       /* may be NULL */
  GBytes        *body;
  char          *authorization;
  char          *idempotency_key;
  char          *client;
  FwTime         now;

  FwUser        *user;
  FwDevice      *device;

  guint          status;
  char          *content_type;
  GBytes        *response;
  char          *retry_after;
  char          *allow;
  char          *error_code;
};

extern const FwRoute fw_routes[];
extern const guint fw_n_routes;

const char *fw_server_get_environment (FwServer *self);
double      fw_server_get_uptime      (FwServer *self);
FwTime      fw_server_get_start_time  (FwServer *self);

void      fw_request_respond          (FwRequest  *request,
                                       guint       status,
                                       JsonNode   *body);
void      fw_request_respond_text     (FwRequest  *request,
                                       guint       status,
                                       const char *content_type,
                                       char       *text);
void      fw_request_fail             (FwRequest  *request,
                                       guint       status,
                                       const char *code,
                                       const char *message,
                                       const char *field);
void      fw_request_fail_store       (FwRequest  *request,
                                       GError     *error);
JsonNode *fw_request_parse_body       (FwRequest  *request);
const char *fw_request_get_query      (FwRequest  *request,
                                       const char *name);

G_END_DECLS
