/* fw-server.h — the Fish Watch HTTP API
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "fw-store.h"

G_BEGIN_DECLS

/* Bodies larger than this are refused with 413 before they are read. */
#define FW_SERVER_MAX_BODY         (1024 * 1024)
#define FW_SERVER_MAX_INGEST_BODY  (8 * 1024 * 1024)
#define FW_SERVER_MAX_READINGS     100000
#define FW_SERVER_MAX_MUTATIONS    500
#define FW_SERVER_MAX_PULL_PAGE    1000
#define FW_SERVER_SESSION_SECONDS  (30 * 24 * 3600)
#define FW_SERVER_LOGIN_WINDOW     (15 * 60)
#define FW_SERVER_LOGIN_ATTEMPTS   5

#define FW_TYPE_SERVER (fw_server_get_type ())

G_DECLARE_FINAL_TYPE (FwServer, fw_server, FW, SERVER, GObject)

FwServer            *fw_server_new          (FwStore     *store,
                                             const char  *environment);
gboolean             fw_server_listen       (FwServer    *self,
                                             const char  *address,
                                             GError     **error);
guint                fw_server_get_port     (FwServer    *self);
void                 fw_server_stop         (FwServer    *self);
guint                fw_server_get_in_flight (FwServer   *self);
const char * const  *fw_server_get_routes   (void);
void                 fw_server_set_alert_tick (FwServer  *self,
                                               guint      seconds);

G_END_DECLS
