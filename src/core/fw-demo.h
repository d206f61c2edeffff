/* fw-demo.h — a realistic demo farm, for first runs, screenshots and tests
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fw-cache.h"

G_BEGIN_DECLS

#define FW_DEMO_FARM_UUID "5f1e2d3c-0000-4000-8000-000000000001"
#define FW_DEMO_DEFAULT_DAYS 90

/* Called with how much of the work is done, from 0 to 1. */
typedef void (*FwProgressFunc) (double   fraction,
                                gpointer user_data);

guint    fw_demo_get_n_units      (void);
guint    fw_demo_get_n_sensors    (void);
GPtrArray *fw_demo_build_records  (guint                extra_units);

gboolean fw_demo_populate         (FwCache             *cache,
                                   FwTime               now,
                                   guint                days,
                                   FwProgressFunc       progress,
                                   gpointer             progress_data,
                                   GCancellable        *cancellable,
                                   GError             **error);
void     fw_demo_populate_async   (FwCache             *cache,
                                   FwTime               now,
                                   guint                days,
                                   FwProgressFunc       progress,
                                   gpointer             progress_data,
                                   GDestroyNotify       progress_destroy,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
gboolean fw_demo_populate_finish  (FwCache             *cache,
                                   GAsyncResult        *result,
                                   GError             **error);

G_END_DECLS
