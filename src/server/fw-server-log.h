/* fw-server-log.h — one JSON object per line, in Elastic Common Schema names
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void fw_server_log_init    (const char  *environment,
                            const char  *version);
void fw_server_log         (const char  *level,
                            const char  *message,
                            const char  *first_field,
                            ...) G_GNUC_NULL_TERMINATED;
void fw_server_log_request (const char  *method,
                            const char  *path,
                            const char  *route,
                            guint        status,
                            double       seconds,
                            const char  *client,
                            const char  *user,
                            const char  *error_code);

G_END_DECLS
