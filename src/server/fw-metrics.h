/* fw-metrics.h — what the server counts, in Prometheus's text format
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  FW_COUNTER_READINGS_INGESTED,
  FW_COUNTER_READINGS_REJECTED,   /* label: reason */
  FW_COUNTER_SYNC_MUTATIONS,      /* label: result */
  FW_COUNTER_LOGINS,              /* label: result */
} FwCounter;

#define FW_TYPE_METRICS (fw_metrics_get_type ())

G_DECLARE_FINAL_TYPE (FwMetrics, fw_metrics, FW, METRICS, GObject)

FwMetrics *fw_metrics_new              (const char *version,
                                        const char *revision,
                                        const char *environment);
void       fw_metrics_observe_request  (FwMetrics  *self,
                                        const char *route,
                                        const char *method,
                                        guint       status,
                                        double      seconds);
void       fw_metrics_add              (FwMetrics  *self,
                                        FwCounter   counter,
                                        const char *label,
                                        guint64     amount);
void       fw_metrics_set_store_up     (FwMetrics  *self,
                                        gboolean    up);
void       fw_metrics_set_alerts_firing (FwMetrics *self,
                                        gint64      warning,
                                        gint64      critical);
char      *fw_metrics_render           (FwMetrics  *self);

G_END_DECLS
